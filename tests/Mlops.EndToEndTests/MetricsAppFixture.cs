using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Mlops.EndToEndTests;

/// <summary>The metrics tests share one AppHost: starting one and training takes most of a minute.</summary>
[CollectionDefinition(Name)]
public sealed class MetricsCollection : ICollectionFixture<MetricsAppFixture>
{
    public const string Name = "metrics";
}

/// <summary>One AppHost for the metrics tests, with a train and a few predicts behind it so there is something to chart.</summary>
public sealed class MetricsAppFixture : IAsyncLifetime
{
    private AppHostProcess? _app;

    public AppHostProcess App => _app ?? throw new InvalidOperationException("the AppHost has not started");

    public async Task InitializeAsync()
    {
        _app = await AppHostProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, TimeSpan.FromMinutes(4));
        using var http = _app.Http(_app.FrontDoor);
        using (var train = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "train", ["parameters"] = new JsonObject { ["n_estimators"] = 20 } }))
        {
            train.EnsureSuccessStatusCode();
        }

        foreach (var features in new[] { new JsonArray(5.1, 3.5, 1.4, 0.2), new JsonArray(6.7, 3.3, 6.0, 2.3), new JsonArray(5.9, 3.0, 4.2, 1.5) })
        {
            using var predict = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "predict", ["parameters"] = new JsonObject { ["features"] = features } });
            predict.EnsureSuccessStatusCode();
        }
    }

    /// <summary>The dashboard's instruments of <paramref name="service"/>, read again until <paramref name="names"/> are all there (metrics are exported every 2 s).</summary>
    public async Task<JsonArray> InstrumentsAsync(string service, params string[] names)
    {
        using var dashboard = App.DashboardHttp();
        var instruments = new JsonArray();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            instruments = (await dashboard.GetFromJsonAsync<JsonArray>($"/api/metrics?service={service}"))!;
            if (names.All(name => instruments.Any(i => i!["instrument"]!["name"]!.GetValue<string>() == name)))
            {
                break;
            }
        }

        return instruments;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
