using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;

namespace Mlops.EndToEndTests.Hosting;

/// <summary>
/// One system with Aspire's dashboard for the tests of endpoints as dashboard resources, with two trained
/// versions of iris_model (a rollback needs one before the newest). Each test deploys endpoints of its own.
/// </summary>
public sealed class ServingFixture : IAsyncLifetime
{
    private AspireSystem? _system;

    public AspireSystem System => _system ?? throw new InvalidOperationException("the system did not start");

    public async Task InitializeAsync()
    {
        _system = await AspireSystem.StartAsync(TimeSpan.FromMinutes(4), dashboard: true);
        using var http = System.Http(System.FrontDoor);
        for (var version = 1; version <= 2; version++)
        {
            using var train = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "train", ["parameters"] = new JsonObject { ["n_estimators"] = 10 } });
            Assert.True(train.IsSuccessStatusCode, await train.Content.ReadAsStringAsync());
        }
    }

    public async Task DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }

    /// <summary>Deploys the newest iris_model to <paramref name="name"/>; answers once it is ready.</summary>
    public async Task DeployAsync(string name, int min = 1, int max = 3)
    {
        using var http = System.Http(System.FrontDoor);
        using var put = await http.PutAsJsonAsync($"/api/v1/endpoints/{name}", new JsonObject
        {
            ["function"] = "predict", ["modelName"] = "iris_model", ["modelVersion"] = "latest", ["minReplicas"] = min, ["maxReplicas"] = max,
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    /// <summary>The endpoint as the runner has it now.</summary>
    public async Task<JsonObject?> RunnerEndpointAsync(string name)
    {
        using var http = System.Http(System.FrontDoor);
        using var get = await http.GetAsync($"/api/v1/endpoints/{name}");
        return get.IsSuccessStatusCode ? await get.Content.ReadFromJsonAsync<JsonObject>() : null;
    }

    /// <summary>The dashboard resource's latest snapshot once <paramref name="until"/> holds (what the dashboard shows), or a timeout.</summary>
    public async Task<CustomResourceSnapshot> ResourceAsync(string resourceId, Func<CustomResourceSnapshot, bool> until, TimeSpan? timeout = null)
    {
        using var bound = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        CustomResourceSnapshot? last = null;
        try
        {
            await foreach (var change in System.App.ResourceNotifications.WatchAsync(bound.Token))
            {
                if (change.ResourceId == resourceId)
                {
                    last = change.Snapshot;
                    if (until(last))
                    {
                        return last;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            // Said below, with what it was last.
        }

        throw new TimeoutException($"{resourceId} never got there; last: {(last is null ? "never seen" : Describe(last))}");
    }

    public static object? Property(CustomResourceSnapshot snapshot, string name) => snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value;

    public static string Describe(CustomResourceSnapshot snapshot) =>
        $"{snapshot.State?.Text} (hidden: {snapshot.IsHidden}) " + string.Join(", ", snapshot.Properties.Select(p => $"{p.Name}={p.Value}"));
}
