extern alias runner;

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using runner::Mlops.Runner.Registry;
using V1 = Mlops.V1;

namespace Mlops.Runner.IntegrationTests.Faults;

/// <summary>
/// A runner over the repository's functions with its own settings, a gateway in front, and a registered model
/// whose files no replica could load: enough for endpoints that never need a replica to answer.
/// </summary>
internal sealed class ServingHarness : IAsyncDisposable
{
    private readonly string _modelFolder;

    private ServingHarness(RunnerHost host, GatewayHost gateway, string model, string modelFolder)
    {
        (Host, Gateway, Model, _modelFolder) = (host, gateway, model, modelFolder);
    }

    public RunnerHost Host { get; }

    public GatewayHost Gateway { get; }

    public string Model { get; }

    public static async Task<ServingHarness> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(settings) { ["Runner:FunctionsPath"] = RepositoryPaths.Functions };
        var host = await RunnerHost.StartAsync(all);
        var folder = Directory.CreateTempSubdirectory("mlops-capacity-model-");
        try
        {
            var model = $"capacity_{Guid.NewGuid():N}"[..20];
            var files = Directory.CreateDirectory(Path.Combine(folder.FullName, "model")).FullName;
            await File.WriteAllTextAsync(Path.Combine(files, "model.zip"), "no replica loads this");
            await File.WriteAllTextAsync(Path.Combine(files, "model.json"), """{"class_names": ["a"], "feature_names": ["x"], "trainer": "none"}""");
            var log = Path.Combine(folder.FullName, "invocation.log");
            await File.WriteAllTextAsync(log, "");
            await host.Services.GetRequiredService<IRunRecorder>().RecordSuccessAsync(
                new TrainingContext(Guid.NewGuid().ToString("N"), "train", model, null, DateTimeOffset.UtcNow, [], log), new TrainingResult([], [], []), files, CancellationToken.None);
            return new ServingHarness(host, GatewayHost.Start(host), model, folder.FullName);
        }
        catch
        {
            folder.Delete(recursive: true);
            await host.DisposeAsync();
            throw;
        }
    }

    public async Task<string> KeyAsync(string role) =>
        (await new V1.Keys.KeysClient(Host.Channel).CreateKeyAsync(new V1.CreateKeyRequest { Name = $"capacity {role}", Role = role })).Secret;

    /// <summary>PUT /v1/endpoints/{name} with <paramref name="key"/>; the answer, whatever its status.</summary>
    public async Task<(System.Net.HttpStatusCode Status, JsonObject Body)> PutAsync(string key, string name, int min, int max)
    {
        using var http = Gateway.HttpWith(key);
        using var response = await http.PutAsJsonAsync($"/v1/endpoints/{name}", new JsonObject
        {
            ["function"] = "predict", ["modelName"] = Model, ["minReplicas"] = min, ["maxReplicas"] = max,
        });
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    public async Task<(System.Net.HttpStatusCode Status, JsonObject Body)> DeleteAsync(string key, string name)
    {
        using var http = Gateway.HttpWith(key);
        using var response = await http.DeleteAsync($"/v1/endpoints/{name}");
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Host.DisposeAsync();
        Directory.Delete(_modelFolder, recursive: true);
    }
}
