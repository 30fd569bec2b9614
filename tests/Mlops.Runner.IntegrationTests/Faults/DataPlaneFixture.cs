extern alias runner;

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Mlops.V1;
using runner::Mlops.Runner.Registry;

namespace Mlops.Runner.IntegrationTests.Faults;

/// <summary>
/// A runner whose functions are the real predict and train beside the two broken serving functions
/// (replica-hangs, replica-floods), a trained iris model for the healthy endpoint and any model for the broken ones.
/// </summary>
public sealed class DataPlaneFixture : IAsyncLifetime
{
    public const string Collection = "data plane";

    public RunnerHost Host { get; private set; } = null!;

    public string IrisModel { get; } = $"iris_{Guid.NewGuid():N}"[..17];

    public string AnyModel { get; } = $"any_{Guid.NewGuid():N}"[..16];

    public async Task InitializeAsync()
    {
        var root = Directory.CreateTempSubdirectory("mlops-data-plane-test-").FullName;
        var functions = Path.Combine(root, "functions");
        foreach (var (from, name) in new[] { (RepositoryPaths.Functions, "predict"), (RepositoryPaths.Functions, "train"), (RepositoryPaths.TestFunctions, "replica-hangs"), (RepositoryPaths.TestFunctions, "replica-floods") })
        {
            RunnerHost.CopyDirectory(Path.Combine(from, name), Path.Combine(functions, name));
        }

        Host = await RunnerHost.StartAsync(root: root);
        try
        {
            var call = await InvokeCall.RunAsync(Host.Client, "train", InvokeCall.Parameters($$"""{"n_estimators": 5, "model_name": "{{IrisModel}}"}"""));
            Assert.Null(call.Error);
            var log = Path.Combine(root, "any-model.log");
            var files = Directory.CreateDirectory(Path.Combine(root, "any-model")).FullName;
            await File.WriteAllTextAsync(Path.Combine(files, "weights.txt"), "any");
            await File.WriteAllTextAsync(log, "");
            await Host.Services.GetRequiredService<IRunRecorder>().RecordSuccessAsync(
                new TrainingContext(Guid.NewGuid().ToString("N"), "train", AnyModel, null, DateTimeOffset.UtcNow, [], log), new TrainingResult([], [], []), files, CancellationToken.None);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Puts an endpoint through <paramref name="gateway"/>; answers the ready endpoint.</summary>
    public static async Task<JsonObject> PutAsync(GatewayHost gateway, string name, string function, string model)
    {
        using var response = await gateway.Http.PutAsJsonAsync($"/v1/endpoints/{name}", new JsonObject
        {
            ["function"] = function, ["modelName"] = model, ["minReplicas"] = 1, ["maxReplicas"] = 1, ["idleSeconds"] = 3600,
        });
        var endpoint = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.IsSuccessStatusCode, endpoint.ToJsonString());
        Assert.Equal("ENDPOINT_STATE_READY", endpoint["state"]!.GetValue<string>());
        return endpoint;
    }

    public static IEnumerable<string> ReadyReplicas(JsonObject endpoint) =>
        (endpoint["replicas"] as JsonArray ?? []).Where(r => r!["state"]!.GetValue<string>() == "REPLICA_STATE_READY").Select(r => r!["id"]!.GetValue<string>());

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

[CollectionDefinition(DataPlaneFixture.Collection)]
public sealed class DataPlaneCollection : ICollectionFixture<DataPlaneFixture>;
