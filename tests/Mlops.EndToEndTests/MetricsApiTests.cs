using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Mlops.EndToEndTests;

/// <summary>The dashboard's metrics JSON API over what the real services export: the runner's invocation metrics and the runtime's.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsApiTests(MetricsAppFixture fixture)
{
    [Fact]
    public async Task AfterInvocations_TheRunnersInvocationMetricsAndRuntimeMetrics_AreListedAndCharted()
    {
        var instruments = await fixture.InstrumentsAsync("runner", "mlops.invocations", "mlops.invocation.duration", "dotnet.process.memory.working_set");

        var listed = instruments.Single(i => i!["instrument"]!["name"]!.GetValue<string>() == "mlops.invocations")!;
        Assert.True(listed["series"]!.GetValue<int>() >= 2 && listed["points"]!.GetValue<int>() >= 2);
        var invocations = listed["instrument"]!;
        Assert.Equal(("Counter", "{invocation}", "Invocations by function and outcome"),
            (invocations["type"]!.GetValue<string>(), invocations["unit"]!.GetValue<string>(), invocations["description"]!.GetValue<string>()));
        Assert.Contains(instruments, i => i!["instrument"]!["name"]!.GetValue<string>() == "dotnet.gc.collections");

        using var dashboard = fixture.App.DashboardHttp();
        var rates = await ChartAsync(dashboard, "mlops.invocations");
        Assert.Equal(("rate per second", "{invocation}/s"), (rates["shows"]!.GetValue<string>(), rates["unit"]!.GetValue<string>()));
        var trains = rates["series"]!.AsArray().Single(s => s!["attributes"]!["faas.name"]?.GetValue<string>() == "train")!;
        Assert.Equal("Succeeded", trains["attributes"]!["mlops.outcome"]!.GetValue<string>());
        // One train in the window: some interval saw it, and no rate is negative.
        var values = trains["values"]!.AsArray().Select(p => p!["value"]!.GetValue<double>()).ToList();
        Assert.Contains(values, v => v > 0);
        Assert.All(values, v => Assert.True(v >= 0));

        var durations = await ChartAsync(dashboard, "mlops.invocation.duration");
        Assert.Equal("p50, p95, p99", durations["shows"]!.GetValue<string>());
        var predicts = durations["series"]!.AsArray().Single(s => s!["attributes"]!["faas.name"]?.GetValue<string>() == "predict")!;
        var quantiles = predicts["quantiles"]!.AsArray().Select(q => (P50: q!["p50"]!.GetValue<double>(), P95: q["p95"]!.GetValue<double>(), P99: q["p99"]!.GetValue<double>())).ToList();
        Assert.NotEmpty(quantiles);
        Assert.All(quantiles, q => Assert.True(0 < q.P50 && q.P50 <= q.P95 && q.P95 <= q.P99 && q.P99 < 600, $"{q}"));

        var memory = await ChartAsync(dashboard, "dotnet.process.memory.working_set");
        Assert.Equal("value", memory["shows"]!.GetValue<string>());
        Assert.Contains(memory["series"]!.AsArray().SelectMany(s => s!["values"]!.AsArray()), p => p!["value"]!.GetValue<double>() > 1_000_000);
    }

    [Fact]
    public async Task AMistakenOrUnauthorizedQuestion_IsAnsweredWithItsStatusAsJson()
    {
        using var dashboard = fixture.App.DashboardHttp();
        await AssertJsonErrorAsync(await dashboard.GetAsync("/api/metrics/chart?service=runner"), HttpStatusCode.BadRequest);
        await AssertJsonErrorAsync(await dashboard.GetAsync("/api/metrics/chart?service=runner&name=mlops.invocations&minutes=0"), HttpStatusCode.BadRequest);
        await AssertJsonErrorAsync(await dashboard.GetAsync("/api/metrics/chart?service=runner&name=no.such.metric"), HttpStatusCode.NotFound);

        using var stranger = new HttpClient { BaseAddress = new Uri(fixture.App.Dashboard) };
        await AssertJsonErrorAsync(await stranger.GetAsync("/api/metrics"), HttpStatusCode.Unauthorized);
        await AssertJsonErrorAsync(await stranger.GetAsync("/metrics.js"), HttpStatusCode.Unauthorized);
    }

    private static async Task<JsonObject> ChartAsync(HttpClient dashboard, string name) =>
        (await dashboard.GetFromJsonAsync<JsonObject>($"/api/metrics/chart?service=runner&name={name}&minutes=15"))!;

    private static async Task AssertJsonErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]?.GetValue<string>()));
        }
    }
}
