using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;

namespace Mlops.Runner.IntegrationTests;

/// <summary>Endpoints over time: create and delete, scale from and to zero, replace what dies, roll without errors.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingLifecycleTests(ServingFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Put_BadSpec_IsInvalidArgumentNamingTheField_AndNothingIsCreated()
    {
        using var response = await fixture.Gateway.Http.PutAsJsonAsync("/v1/endpoints/bad", new JsonObject { ["function"] = "predict", ["modelName"] = fixture.Model, ["minReplicas"] = 3, ["maxReplicas"] = 2 });
        using var notServing = await fixture.Gateway.Http.PutAsJsonAsync("/v1/endpoints/bad", new JsonObject { ["function"] = "train", ["modelName"] = fixture.Model });
        using var noModel = await fixture.Gateway.Http.PutAsJsonAsync("/v1/endpoints/bad", new JsonObject { ["function"] = "predict", ["modelName"] = "no_such_model" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("max_replicas", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, notServing.StatusCode);
        Assert.Contains("does not serve", await notServing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, noModel.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Gateway.Http.GetAsync("/v1/endpoints/bad")).StatusCode);
    }

    [Fact]
    public async Task Delete_RemovesItsReplicas_AndTheirRunFolders()
    {
        var name = Unique("del");
        var endpoint = await fixture.PutAsync(name, min: 2, max: 2);
        Assert.Equal(2, ServingFixture.Ready(endpoint));

        await fixture.DeleteAsync(name);

        Assert.Empty(await ReplicaContainersAsync(name));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(fixture.Host.DataDirectory, "replicas")));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Gateway.Http.GetAsync($"/v1/endpoints/{name}")).StatusCode);
    }

    [Fact]
    public async Task ScaledToZero_TheFirstPredictionWaitsForAReplica_ThenItScalesBackToZero()
    {
        var name = Unique("zero");
        var endpoint = await fixture.PutAsync(name, min: 0, max: 1, idleSeconds: 2);
        Assert.Equal("ENDPOINT_STATE_SCALED_TO_ZERO", endpoint["state"]!.GetValue<string>());

        using var response = await fixture.Gateway.Http.PostAsJsonAsync($"/endpoints/{name}/predict", new JsonObject { ["instances"] = new JsonArray(new JsonArray(5.1, 3.5, 1.4, 0.2)) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.True(await fixture.WaitForAsync(name, e => ServingFixture.Replicas(e).Count == 0 && e["state"]!.GetValue<string>() == "ENDPOINT_STATE_SCALED_TO_ZERO", Bound));
        Assert.Empty(await ReplicaContainersAsync(name));
        await fixture.DeleteAsync(name);
    }

    [Fact]
    public async Task AReplicaKilledUnderLoad_IsReplaced_AndTheLoadIsServedAgain()
    {
        var name = Unique("kill");
        var endpoint = await fixture.PutAsync(name);
        var first = ServingFixture.Replicas(endpoint).Single()!;
        // The load stops when the test is done with it, and in any case within a bound.
        using var stop = new CancellationTokenSource(2 * Bound);
        var load = fixture.LoadAsync(name, clients: 4, stop.Token);

        await fixture.Host.Docker.Containers.KillContainerAsync(first["containerId"]!.GetValue<string>(), new ContainerKillParameters { Signal = "KILL" });
        var replaced = await fixture.WaitForAsync(name, e => ServingFixture.Replicas(e).Any(r => r!["id"]!.GetValue<string>() != first["id"]!.GetValue<string>() && r["state"]!.GetValue<string>() == "REPLICA_STATE_READY"), Bound);
        await Task.Delay(500);
        await stop.CancelAsync();
        var counts = await load;

        Assert.True(replaced);
        Assert.True(counts.GetValueOrDefault(HttpStatusCode.OK) > 0, string.Join(", ", counts));
        using var response = await fixture.Gateway.Http.PostAsJsonAsync($"/endpoints/{name}/predict", new JsonObject { ["instances"] = new JsonArray(new JsonArray(5.1, 3.5, 1.4, 0.2)) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await fixture.DeleteAsync(name);
    }

    [Fact]
    public async Task InFlightLoadAboveTheTarget_StartsMoreReplicas_UpToTheMaximum()
    {
        var name = Unique("up");
        await fixture.PutAsync(name, min: 1, max: 2, idleSeconds: 3600, target: 1);
        // The load stops when the test is done with it, and in any case within a bound.
        using var stop = new CancellationTokenSource(2 * Bound);
        var load = fixture.LoadAsync(name, clients: 8, stop.Token);

        var scaled = await fixture.WaitForAsync(name, e => ServingFixture.Ready(e) == 2, Bound);
        await stop.CancelAsync();
        var counts = await load;

        Assert.True(scaled);
        Assert.Equal([HttpStatusCode.OK], counts.Keys);
        await fixture.DeleteAsync(name);
    }

    [Fact]
    public async Task TheAliasMoves_UnderSteadyLoad_TheEndpointRollsWithoutAFailedRequest()
    {
        var name = Unique("roll");
        await fixture.PutAsync(name, modelVersion: "@champion");
        var next = await fixture.TrainAsync();
        using var load = new CancellationTokenSource(2 * Bound);
        var results = new List<(HttpStatusCode Status, string? Version)>();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
            {
                using var response = await fixture.Gateway.Http.PostAsJsonAsync($"/endpoints/{name}/predict", new JsonObject { ["instances"] = new JsonArray(new JsonArray(5.1, 3.5, 1.4, 0.2)) });
                var version = response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonObject>())!["model_version"]!.GetValue<string>() : null;
                lock (results)
                {
                    results.Add((response.StatusCode, version));
                }
            }
        })).ToList();

        await fixture.Host.Registry.SetModelAliasAsync(new V1.SetModelAliasRequest { Name = fixture.Model, Alias = "champion", Version = next });
        var rolled = await fixture.WaitForAsync(name, e => ServingFixture.Replicas(e).Count == 1 && ServingFixture.Replicas(e)[0]!["modelVersion"]!.GetValue<string>() == $"{next}", Bound);
        await Task.Delay(500);
        await load.CancelAsync();
        await Task.WhenAll(workers);
        await fixture.Host.Registry.SetModelAliasAsync(new V1.SetModelAliasRequest { Name = fixture.Model, Alias = "champion", Version = 1 });

        Assert.True(rolled);
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Contains(results, r => r.Version == "1");
        Assert.Equal($"{next}", results[^1].Version);
        await fixture.DeleteAsync(name);
    }

    [Fact]
    public async Task ACanary_GetsItsShare_AndEachAnswerSaysWhichVersion()
    {
        var name = Unique("canary");
        var next = await fixture.TrainAsync();
        await fixture.PutAsync(name, modelVersion: "1", canary: $"{next}", canaryPercent: 50);
        Assert.True(await fixture.WaitForAsync(name, e => ServingFixture.Ready(e) == 2, Bound));

        var versions = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            using var response = await fixture.Gateway.Http.PostAsJsonAsync($"/endpoints/{name}/predict", new JsonObject { ["instances"] = new JsonArray(new JsonArray(5.1, 3.5, 1.4, 0.2)) });
            versions.Add((await response.Content.ReadFromJsonAsync<JsonObject>())!["model_version"]!.GetValue<string>());
        }

        // 60 draws at 50 %: each side gets at least 10 but for a 1-in-10^5 chance.
        Assert.InRange(versions.Count(v => v == "1"), 10, 50);
        Assert.InRange(versions.Count(v => v == $"{next}"), 10, 50);
        await fixture.DeleteAsync(name);
    }

    [Fact]
    public async Task AfterARunnerRestart_EndpointsComeBack_OnNewReplicas_AndNothingIsOrphaned()
    {
        var root = Directory.CreateTempSubdirectory("mlops-serving-restart-").FullName;
        var instance = $"restart-{Guid.NewGuid():N}"[..20];
        var settings = new Dictionary<string, string?> { ["Runner:FunctionsPath"] = RepositoryPaths.Functions };
        var first = await RunnerHost.StartAsync(settings, instance, root);
        string before;
        await using (var gateway = GatewayHost.Start(first))
        {
            await InvokeCall.RunAsync(first.Client, "train", InvokeCall.Parameters($$"""{"n_estimators": 5, "model_name": "{{fixture.Model}}"}"""));
            before = ServingFixture.Replicas(await PutAsync(gateway, "again")).Single()!["id"]!.GetValue<string>();
        }

        // Stopped, not disposed: the same folder (its endpoints.db and registry) serves the next runner. In this
        // test host its replica outlives the stop, as after a crash: the next runner's janitor must clear it.
        await first.StopAsync();

        await using var second = await RunnerHost.StartAsync(settings, instance, root);
        var control = new V1.Endpoints.EndpointsClient(second.Channel);
        V1.Endpoint? back = null;
        for (var deadline = DateTime.UtcNow + Bound; DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            back = await control.GetEndpointAsync(new V1.GetEndpointRequest { Name = "again" });
            if (back.Replicas.Count(r => r.State == V1.ReplicaState.Ready) == 1)
            {
                break;
            }
        }

        Assert.Equal(V1.ReplicaState.Ready, Assert.Single(back!.Replicas).State);
        Assert.NotEqual(before, back.Replicas[0].Id);
        Assert.Single(await second.ContainersAsync());

        // A gateway that starts now learns of the endpoint from its watch's snapshot alone: no change follows it.
        await using var gateway2 = GatewayHost.Start(second);
        HttpStatusCode status = 0;
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20); DateTime.UtcNow < deadline && status != HttpStatusCode.OK; await Task.Delay(200))
        {
            using var prediction = await gateway2.Http.PostAsJsonAsync("/endpoints/again/predict", new JsonObject { ["instances"] = new JsonArray(new JsonArray(5.1, 3.5, 1.4, 0.2)) });
            status = prediction.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, status);
        (await gateway2.Http.DeleteAsync("/v1/endpoints/again")).EnsureSuccessStatusCode();
    }

    private async Task<JsonObject> PutAsync(GatewayHost gateway, string name)
    {
        using var response = await gateway.Http.PutAsJsonAsync($"/v1/endpoints/{name}", new JsonObject { ["function"] = "predict", ["modelName"] = fixture.Model, ["minReplicas"] = 1 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<IList<ContainerListResponse>> ReplicaContainersAsync(string endpoint) =>
        await fixture.Host.Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"mlops.endpoint={endpoint}"] = true } },
        });

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
