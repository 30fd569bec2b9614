using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

/// <summary>A runner over the repository's functions, a gateway in front, and a trained iris model (version 1, alias champion).</summary>
public class ServingFixture : IAsyncLifetime
{
    public RunnerHost Host { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    private GrpcChannel? _gatewayChannel;

    /// <summary>The gateway's gRPC port, as the admin, every call bounded (3 min unless it sets its own deadline).</summary>
    public CallInvoker GatewayGrpc { get; private set; } = null!;

    public string Model { get; } = $"serving_{Guid.NewGuid():N}"[..20];

    /// <summary>The runner's settings: the repository's functions, and whatever a variant adds.</summary>
    protected virtual Dictionary<string, string?> RunnerSettings() => new() { ["Runner:FunctionsPath"] = RepositoryPaths.Functions };

    public virtual async Task InitializeAsync()
    {
        Host = await RunnerHost.StartAsync(RunnerSettings());
        try
        {
            Gateway = GatewayHost.Start(Host);
            _gatewayChannel = GrpcChannel.ForAddress(Gateway.GrpcAddress, new GrpcChannelOptions { HttpHandler = new BearerHandler(Host.AdminKey) });
            GatewayGrpc = _gatewayChannel.Intercept(new DefaultDeadline(TimeSpan.FromMinutes(3)));
            await TrainAsync();
            await Host.Registry.SetModelAliasAsync(new SetModelAliasRequest { Name = Model, Alias = "champion", Version = 1 });
        }
        catch
        {
            // xunit does not call DisposeAsync when InitializeAsync fails.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Trains the next version of the fixture's model; returns its number.</summary>
    public async Task<int> TrainAsync()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "train", InvokeCall.Parameters($$"""{"n_estimators": 5, "model_name": "{{Model}}"}"""));
        Assert.Null(call.Error);
        return (int)call.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result.Data.Fields["model_version"].NumberValue;
    }

    /// <summary>Creates or updates an endpoint over REST; answers once it is ready (or says why not).</summary>
    public async Task<JsonObject> PutAsync(
        string name, string modelVersion = "latest", int min = 1, int max = 2, int idleSeconds = 0, string? canary = null, int canaryPercent = 0, int target = 0,
        string function = "predict", string? model = null)
    {
        var body = new JsonObject
        {
            ["function"] = function, ["modelName"] = model ?? Model, ["modelVersion"] = modelVersion, ["minReplicas"] = min, ["maxReplicas"] = max,
            ["idleSeconds"] = idleSeconds, ["canaryModelVersion"] = canary ?? "", ["canaryPercent"] = canaryPercent, ["targetConcurrency"] = target,
        };
        using var response = await Gateway.Http.PutAsJsonAsync($"/v1/endpoints/{name}", body);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.IsSuccessStatusCode, answer.ToJsonString());
        return answer;
    }

    public async Task<JsonObject> GetAsync(string name) => (await Gateway.Http.GetFromJsonAsync<JsonObject>($"/v1/endpoints/{name}"))!;

    public async Task DeleteAsync(string name) => (await Gateway.Http.DeleteAsync($"/v1/endpoints/{name}")).EnsureSuccessStatusCode();

    /// <summary>Polls the endpoint until <paramref name="condition"/> holds; false when it did not within the bound.</summary>
    public async Task<bool> WaitForAsync(string name, Func<JsonObject, bool> condition, TimeSpan bound)
    {
        for (var deadline = DateTime.UtcNow + bound; DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            if (condition(await GetAsync(name)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Predictions from <paramref name="clients"/> clients at once until stopped; counts answers by status.</summary>
    public async Task<Dictionary<HttpStatusCode, int>> LoadAsync(string name, int clients, CancellationToken stop)
    {
        var counts = new Dictionary<HttpStatusCode, int>();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await Gateway.Http.PostAsJsonAsync($"/endpoints/{name}/predict", new JsonObject { ["instances"] = new JsonArray(new JsonArray(5.1, 3.5, 1.4, 0.2)) });
                lock (counts)
                {
                    counts[response.StatusCode] = counts.GetValueOrDefault(response.StatusCode) + 1;
                }
            }
        })));
        return counts;
    }

    public static JsonArray Replicas(JsonObject endpoint) => endpoint["replicas"] as JsonArray ?? [];

    public static int Ready(JsonObject endpoint) => Replicas(endpoint).Count(r => r!["state"]!.GetValue<string>() == "REPLICA_STATE_READY");

    public virtual async Task DisposeAsync()
    {
        _gatewayChannel?.Dispose();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<ServingFixture>
{
    public const string Name = "serving";
}
