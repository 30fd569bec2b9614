using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests.Faults;

/// <summary>
/// The data plane is bounded, on the real engine: a replica that hangs or floods is cut off with a 504 or 502
/// in JSON and replaced; in-flight predictions per replica stop at its concurrency, and the waiting room per key
/// and per endpoint answers 429 for the excess while another endpoint keeps answering.
/// </summary>
[Collection(DataPlaneFixture.Collection)]
public sealed class DataPlaneTests(DataPlaneFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task HangingReplica_IsCutOffWithA504InJson_AndReplaced()
    {
        await using var gateway = GatewayHost.Start(fixture.Host, new Dictionary<string, string?> { ["Serving:PredictTimeoutSeconds"] = "2" });
        var name = $"hangs-{Guid.NewGuid():N}"[..14];
        var hung = DataPlaneFixture.ReadyReplicas(await DataPlaneFixture.PutAsync(gateway, name, "replica-hangs", fixture.AnyModel)).Single();
        try
        {
            using var response = await gateway.Http.PostAsync($"/endpoints/{name}/predict", Json("""{"instances": [[1, 2, 3, 4]]}"""));

            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>();
            Assert.Contains($"replica {hung} of endpoint '{name}' did not answer within 2 s", error);
            await Eventually.HoldsAsync(async () =>
            {
                var endpoint = (await gateway.Http.GetFromJsonAsync<JsonObject>($"/v1/endpoints/{name}"))!;
                return DataPlaneFixture.ReadyReplicas(endpoint).Any(id => id != hung) && (endpoint["replicas"] as JsonArray ?? []).All(r => r!["id"]!.GetValue<string>() != hung);
            }, Bound);
        }
        finally
        {
            (await gateway.Http.DeleteAsync($"/v1/endpoints/{name}")).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task FloodingReplica_IsCutOffWithA502InJson_WithTheGatewaysMemoryBounded_AndReplaced()
    {
        await using var gateway = GatewayHost.Start(fixture.Host, new Dictionary<string, string?> { ["Serving:MaxResponseBytes"] = "1048576" });
        var name = $"floods-{Guid.NewGuid():N}"[..15];
        var flooding = DataPlaneFixture.ReadyReplicas(await DataPlaneFixture.PutAsync(gateway, name, "replica-floods", fixture.AnyModel)).Single();
        try
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            using var response = await gateway.Http.PostAsync($"/v2/models/{name}/infer",
                Json("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}"""));
            var body = await response.Content.ReadAsStringAsync();
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;

            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Contains($"replica {flooding} of endpoint '{name}' answered more than 1048576 bytes", JsonNode.Parse(body)!["error"]!.GetValue<string>());
            // An endless answer cost this process (gateway and runner both) a few times the cap, not the flood.
            Assert.True(allocated < 64L * 1024 * 1024, $"{allocated} bytes allocated while the flood was answered");
            await Eventually.HoldsAsync(async () =>
            {
                var endpoint = (await gateway.Http.GetFromJsonAsync<JsonObject>($"/v1/endpoints/{name}"))!;
                return DataPlaneFixture.ReadyReplicas(endpoint).Any(id => id != flooding) && (endpoint["replicas"] as JsonArray ?? []).All(r => r!["id"]!.GetValue<string>() != flooding);
            }, Bound);
        }
        finally
        {
            (await gateway.Http.DeleteAsync($"/v1/endpoints/{name}")).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task FloodingReplica_PredictionsInFlightWhenItIsCutOff_NeverAnswer200WithWhatItSentSoFar()
    {
        // The default cap (8 MB): long enough to read that the replica is removed while some answers are on their way.
        await using var gateway = GatewayHost.Start(fixture.Host, new Dictionary<string, string?> { ["Serving:WaitSeconds"] = "5" });
        var name = $"floods-{Guid.NewGuid():N}"[..15];
        await DataPlaneFixture.PutAsync(gateway, name, "replica-floods", fixture.AnyModel);
        try
        {
            // Eight at once: the first past the cap gets the replica removed, which ends the others' answers early.
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                using var response = await gateway.Http.PostAsync($"/endpoints/{name}/predict", Json("""{"instances": [[1, 2, 3, 4]]}"""));
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            }));

            Assert.All(answers, answer =>
            {
                Assert.True(answer.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"{answer.StatusCode}: {answer.Body[..Math.Min(200, answer.Body.Length)]}");
                Assert.NotNull(JsonNode.Parse(answer.Body)!["error"]);
            });
        }
        finally
        {
            (await gateway.Http.DeleteAsync($"/v1/endpoints/{name}")).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task WaitingRoom_ExcessOfOneKeyAndOfOneEndpoint_Is429InJson_WhileAnotherEndpointKeepsAnswering()
    {
        await using var gateway = GatewayHost.Start(fixture.Host, new Dictionary<string, string?>
        {
            ["Serving:PredictTimeoutSeconds"] = "120", ["Serving:WaitSeconds"] = "120", ["Serving:MaxWaitingPerKey"] = "2", ["Serving:MaxWaitingPerEndpoint"] = "3",
        });
        var keys = new V1.Keys.KeysClient(fixture.Host.Channel);
        using var first = gateway.HttpWith((await keys.CreateKeyAsync(new CreateKeyRequest { Name = "waiting-a", Role = "predictor" })).Secret);
        using var second = gateway.HttpWith((await keys.CreateKeyAsync(new CreateKeyRequest { Name = "waiting-b", Role = "predictor" })).Secret);
        var (hangs, iris) = ($"busy-{Guid.NewGuid():N}"[..13], $"iris-{Guid.NewGuid():N}"[..13]);
        await DataPlaneFixture.PutAsync(gateway, hangs, "replica-hangs", fixture.AnyModel);
        await DataPlaneFixture.PutAsync(gateway, iris, "predict", fixture.IrisModel);
        using var stop = new CancellationTokenSource(Bound);
        var held = new List<Task>();
        try
        {
            Task<HttpResponseMessage> Hold(HttpClient client) => client.PostAsync($"/endpoints/{hangs}/predict", Json("""{"instances": [[1]]}"""), stop.Token);

            // replica-hangs takes 4 at once (its serving concurrency); the rest wait.
            held.AddRange(Enumerable.Range(0, 6).Select(_ => Hold(first)));
            await Eventually.HoldsAsync(async () => await LoadAsync(gateway, hangs) == (4, 2), Bound);
            using (var refused = await first.PostAsync($"/endpoints/{hangs}/invocations", Json("""{"instances": [[1]]}""")))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                var error = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
                Assert.Equal("RESOURCE_EXHAUSTED", error["error_code"]!.GetValue<string>());
                Assert.Contains("Serving:MaxWaitingPerKey is 2", error["message"]!.GetValue<string>());
            }

            held.Add(Hold(second));
            await Eventually.HoldsAsync(async () => await LoadAsync(gateway, hangs) == (4, 3), Bound);
            using (var refused = await second.PostAsync($"/endpoints/{hangs}/predict", Json("""{"instances": [[1]]}""")))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.Contains("Serving:MaxWaitingPerEndpoint is 3", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
            }

            using var answered = await second.PostAsync($"/endpoints/{iris}/predict", Json("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}"""));
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            Assert.All(held, t => Assert.False(t.IsCompleted));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(held.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            (await gateway.Http.DeleteAsync($"/v1/endpoints/{hangs}")).EnsureSuccessStatusCode();
            (await gateway.Http.DeleteAsync($"/v1/endpoints/{iris}")).EnsureSuccessStatusCode();
        }

        Assert.True(await fixture.Host.WaitForNoContainersAsync(Bound));
    }

    /// <summary>In flight and waiting as the gateway reported them to the runner.</summary>
    private static async Task<(int InFlight, int Waiting)> LoadAsync(GatewayHost gateway, string name)
    {
        var endpoint = (await gateway.Http.GetFromJsonAsync<JsonObject>($"/v1/endpoints/{name}"))!;
        return (endpoint["inFlight"]?.GetValue<int>() ?? 0, endpoint["waiting"]?.GetValue<int>() ?? 0);
    }
}
