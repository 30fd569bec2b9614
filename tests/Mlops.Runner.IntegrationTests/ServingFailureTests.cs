extern alias runner;

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using runner::Mlops.Runner.Registry;

namespace Mlops.Runner.IntegrationTests;

/// <summary>A model its replicas cannot load: they keep dying, and the endpoint says so instead of trying forever.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingFailureTests(ServingFixture fixture)
{
    [Fact]
    public async Task ReplicasThatKeepCrashing_MarkTheEndpointFailed_WithTheirLastWords()
    {
        var model = $"broken_{Guid.NewGuid():N}"[..20];
        var folder = Directory.CreateTempSubdirectory("mlops-broken-model-");
        var log = Path.Combine(folder.FullName, "invocation.log");
        try
        {
            var files = Directory.CreateDirectory(Path.Combine(folder.FullName, "model")).FullName;
            await File.WriteAllTextAsync(Path.Combine(files, "model.zip"), "this is not a model");
            await File.WriteAllTextAsync(Path.Combine(files, "model.json"),
                """{"class_names": ["a", "b"], "feature_names": ["sepal_length", "sepal_width", "petal_length", "petal_width"], "trainer": "none"}""");
            await File.WriteAllTextAsync(log, "");
            var recorder = fixture.Host.Services.GetRequiredService<IRunRecorder>();
            await recorder.RecordSuccessAsync(
                new TrainingContext(Guid.NewGuid().ToString("N"), "train", model, null, DateTimeOffset.UtcNow, [], log), new TrainingResult([], [], []), files, CancellationToken.None);

            var name = $"broken-{Guid.NewGuid():N}"[..15];
            using var response = await fixture.Gateway.Http.PutAsync($"/v1/endpoints/{name}", new StringContent(
                new JsonObject { ["function"] = "predict", ["modelName"] = model, ["minReplicas"] = 1 }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
            var endpoint = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            await fixture.DeleteAsync(name);

            Assert.Equal("ENDPOINT_STATE_FAILED", endpoint["state"]!.GetValue<string>());
            Assert.Contains("replicas keep failing", endpoint["message"]!.GetValue<string>());
            Assert.Contains("before it was ready: cannot load the model", endpoint["message"]!.GetValue<string>());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
