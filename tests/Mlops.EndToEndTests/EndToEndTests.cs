using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using Mlops.EndToEndTests.Hosting;
using Mlops.V1;

namespace Mlops.EndToEndTests;

/// <summary>The whole system as a user starts it: train and predict through the front door, and the trace of a predict in Aspire's dashboard.</summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task TrainThenPredict_OverRestAndGrpc_IsTracedEndToEnd_InTheDashboardsTelemetryApi()
    {
        await using var app = await AspireSystem.StartAsync(TimeSpan.FromMinutes(4), dashboard: true);
        using var http = app.Http(app.FrontDoor);

        // Built up front: the predict traced below is then a warm start, whatever ran on this engine before.
        using (var runnerChannel = GrpcChannel.ForAddress(app.Runner, new GrpcChannelOptions { HttpHandler = new BearerHandler(app.AdminKey) }))
        {
            using var build = new Mlops.V1.Runner.RunnerClient(runnerChannel).BuildImage(new BuildImageRequest { Function = "predict" }, deadline: DateTime.UtcNow.AddMinutes(10));
            await foreach (var _ in build.ResponseStream.ReadAllAsync())
            {
            }
        }

        using var train = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "train", ["parameters"] = new JsonObject { ["n_estimators"] = 20 } });
        Assert.Equal(HttpStatusCode.OK, train.StatusCode);
        // What the source documents promise after a training, under their names, in /invoke's data.
        var trained = (await train.Content.ReadFromJsonAsync<JsonObject>())!["data"]!.AsObject();
        foreach (var figure in new[] { "accuracy", "precision", "recall", "f1_score", "training_time" })
        {
            Assert.InRange(trained[figure]!.GetValue<double>(), double.Epsilon, figure == "training_time" ? 600 : 1);
        }

        Assert.StartsWith("models:/iris_model/", trained["model_uri"]!.GetValue<string>());
        using var predict = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "predict", ["parameters"] = new JsonObject { ["features"] = new JsonArray(5.1, 3.5, 1.4, 0.2) } });
        Assert.Equal("setosa", (await predict.Content.ReadFromJsonAsync<JsonObject>())!["data"]!["class"]!.GetValue<string>());

        using (var channel = GrpcChannel.ForAddress(app.FrontDoorGrpc, new GrpcChannelOptions { HttpHandler = new BearerHandler(app.AdminKey) }))
        {
            var call = await InvokeCall.RunAsync(new Mlops.V1.Runner.RunnerClient(channel), "predict", InvokeCall.Parameters("""{"features": [6.7, 3.3, 6.0, 2.3]}"""));
            Assert.Null(call.Error);
            Assert.Equal(InvocationStatus.Succeeded, call.Completed.Status);
        }

        // The first predict found the pool empty and started its own container: a cold start, traced step by step.
        var spans = await PredictTraceThroughTheGatewayAsync(app, ColdSpans, coldstart: "true");
        var byId = spans.ToDictionary(s => s["spanId"]!.GetValue<string>());
        JsonObject Parent(JsonObject span) => byId[span["parentSpanId"]!.GetValue<string>()];
        var invoke = spans.Single(s => s["name"]!.GetValue<string>() == "invoke predict");
        Assert.Equal("runner", invoke["service"]!.GetValue<string>());
        Assert.Equal("predict", Attribute(invoke, "faas.name"));
        Assert.Equal(32, Attribute(invoke, "faas.invocation_id")!.Length);
        // The runner's span descends from the gateway's request.
        var ancestor = invoke;
        while (ancestor["parentSpanId"] is not null && byId.ContainsKey(ancestor["parentSpanId"]!.GetValue<string>()))
        {
            ancestor = Parent(ancestor);
        }

        Assert.Equal(("gateway", "POST /invoke"), (ancestor["service"]!.GetValue<string>(), ancestor["name"]!.GetValue<string>()));
        foreach (var name in new[] { "resolve image", "pool claim", "container create", "container start", "container wait", "container remove" })
        {
            var child = spans.Single(s => s["name"]!.GetValue<string>() == name);
            Assert.Same(invoke, Parent(child));
        }

        Assert.Equal("empty", Attribute(spans.Single(s => s["name"]!.GetValue<string>() == "pool claim"), "mlops.pool.miss_reason"));
        var remove = spans.Single(s => s["name"]!.GetValue<string>() == "container remove");
        Assert.Equal(64, Attribute(remove, "container.id")!.Length);
        Assert.StartsWith("mlops/predict:", Attribute(remove, "container.image.name"));

        // Meanwhile predict's pool has started a container that waits for an invocation: the next one is handed over.
        var pooled = await PooledPredictAsync(app, http);
        Assert.Equal("setosa", pooled["data"]!["class"]!.GetValue<string>());
        spans = await PredictTraceThroughTheGatewayAsync(app, PooledSpans, coldstart: "false");
        byId = spans.ToDictionary(s => s["spanId"]!.GetValue<string>());
        invoke = spans.Single(s => s["name"]!.GetValue<string>() == "invoke predict");
        foreach (var name in new[] { "resolve image", "pool claim", "pool hand-over", "container wait" })
        {
            Assert.Same(invoke, Parent(spans.Single(s => s["name"]!.GetValue<string>() == name)));
        }

        Assert.DoesNotContain(spans, s => s["name"]!.GetValue<string>() is "container create" or "container start");
        Assert.Null(Attribute(spans.Single(s => s["name"]!.GetValue<string>() == "pool claim"), "mlops.pool.miss_reason"));
    }

    /// <summary>A REST predict once GetStatus shows predict's pool with a container ready (bounded), answered by it.</summary>
    private static async Task<JsonObject> PooledPredictAsync(AspireSystem app, HttpClient http)
    {
        using var channel = GrpcChannel.ForAddress(app.Runner, new GrpcChannelOptions { HttpHandler = new BearerHandler(app.AdminKey) });
        var runner = new Mlops.V1.Runner.RunnerClient(channel);
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            var status = await runner.GetStatusAsync(new GetStatusRequest());
            if (status.Functions.Single(f => f.Name == "predict").Pool is { Ready: > 0 })
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "predict's pool had no container ready within a minute");
        }

        using var predict = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "predict", ["parameters"] = new JsonObject { ["features"] = new JsonArray(5.1, 3.5, 1.4, 0.2) } });
        Assert.Equal(HttpStatusCode.OK, predict.StatusCode);
        return (await predict.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>
    /// The trace of a REST predict (cold or pooled, by its faas.coldstart), as a script reads it from the dashboard's telemetry API with the key in
    /// data/secrets/dashboard.key (services export every second, so spans arrive within a few), its spans
    /// flattened from OTLP JSON with the service that made each.
    /// </summary>
    private static async Task<List<JsonObject>> PredictTraceThroughTheGatewayAsync(AspireSystem app, string[] required, string coldstart)
    {
        using var telemetry = app.TelemetryApi();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(500))
        {
            var traceIds = Spans(await telemetry.GetFromJsonAsync<JsonObject>("/api/telemetry/spans?resource=runner&limit=10000"))
                .Where(s => s["name"]!.GetValue<string>() == "invoke predict" && Attribute(s, "faas.coldstart") == coldstart)
                .Select(s => s["traceId"]!.GetValue<string>())
                .Distinct();
            foreach (var traceId in traceIds)
            {
                var spans = Spans(await telemetry.GetFromJsonAsync<JsonObject>($"/api/telemetry/traces/{traceId}"));
                // Each service exports in batches: wait until every span the test follows has arrived.
                var names = spans.Select(s => s["name"]!.GetValue<string>()).ToHashSet();
                if (required.All(names.Contains) && spans.Any(s => s["service"]!.GetValue<string>() == "gateway" && s["name"]!.GetValue<string>() == "POST /invoke"))
                {
                    return spans;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("no complete predict trace through the gateway reached the dashboard");
            }
        }
    }

    /// <summary>OTLP JSON's resourceSpans, flattened: each span with "service" (its resource's service.name) and its attributes as a map.</summary>
    private static List<JsonObject> Spans(JsonObject? telemetry) =>
        (telemetry?["data"]?["resourceSpans"]?.AsArray() ?? []).SelectMany(resource =>
        {
            var service = resource!["resource"]!["attributes"]!.AsArray().First(a => a!["key"]!.GetValue<string>() == "service.name")!["value"]!["stringValue"]!.GetValue<string>();
            return resource["scopeSpans"]!.AsArray().SelectMany(scope => scope!["spans"]!.AsArray()).Select(span =>
            {
                var flat = new JsonObject
                {
                    ["service"] = service,
                    ["name"] = span!["name"]!.GetValue<string>(),
                    ["traceId"] = span["traceId"]!.GetValue<string>(),
                    ["spanId"] = span["spanId"]!.GetValue<string>(),
                    ["attributes"] = new JsonObject((span["attributes"]?.AsArray() ?? []).Select(a =>
                        KeyValuePair.Create(a!["key"]!.GetValue<string>(), (JsonNode?)JsonValue.Create(a["value"]!.AsObject().First().Value!.ToString())))),
                };
                if (span["parentSpanId"]?.GetValue<string>() is { Length: > 0 } parent)
                {
                    flat["parentSpanId"] = parent;
                }

                return flat;
            });
        }).ToList();

    private static readonly string[] ColdSpans =
    [
        "POST /invoke", "mlops.v1.Runner/Invoke", "POST /mlops.v1.Runner/Invoke", "invoke predict",
        "resolve image", "pool claim", "container create", "container start", "container wait", "container remove",
    ];

    private static readonly string[] PooledSpans =
    [
        "POST /invoke", "mlops.v1.Runner/Invoke", "POST /mlops.v1.Runner/Invoke", "invoke predict",
        "resolve image", "pool claim", "pool hand-over", "container wait",
    ];

    private static string? Attribute(JsonObject span, string key) => span["attributes"]![key]?.GetValue<string>();
}
