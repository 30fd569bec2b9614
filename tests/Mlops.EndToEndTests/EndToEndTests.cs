using Mlops.Testing;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grpc.Core;
using Grpc.Net.Client;
using Mlops.V1;

namespace Mlops.EndToEndTests;

/// <summary>The whole system as a user starts it: train and predict through the front door, the trace of a predict, Ctrl+C.</summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task TrainThenPredict_OverRestAndGrpc_IsTracedEndToEnd_AndCtrlCLeavesNothing()
    {
        await using var app = await AppHostProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, TimeSpan.FromMinutes(4));
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

        var spans = await PredictTraceThroughTheGatewayAsync(app);
        var byId = spans.ToDictionary(s => s["spanId"]!.GetValue<string>());
        JsonObject Parent(JsonObject span) => byId[span["parentSpanId"]!.GetValue<string>()];
        var invoke = spans.Single(s => s["name"]!.GetValue<string>() == "invoke predict");
        Assert.Equal("runner", invoke["service"]!.GetValue<string>());
        Assert.Equal("predict", Attribute(invoke, "faas.name"));
        Assert.Equal(32, Attribute(invoke, "faas.invocation_id")!.Length);
        Assert.Equal("false", Attribute(invoke, "faas.coldstart"));
        // The runner's span descends from the gateway's request.
        var ancestor = invoke;
        while (ancestor["parentSpanId"] is not null && byId.ContainsKey(ancestor["parentSpanId"]!.GetValue<string>()))
        {
            ancestor = Parent(ancestor);
        }

        Assert.Equal(("gateway", "POST /invoke"), (ancestor["service"]!.GetValue<string>(), ancestor["name"]!.GetValue<string>()));
        foreach (var name in new[] { "resolve image", "container create", "container start", "container wait", "container remove" })
        {
            var child = spans.Single(s => s["name"]!.GetValue<string>() == name);
            Assert.Same(invoke, Parent(child));
        }

        var remove = spans.Single(s => s["name"]!.GetValue<string>() == "container remove");
        Assert.Equal(64, Attribute(remove, "container.id")!.Length);
        Assert.StartsWith("mlops/predict:", Attribute(remove, "container.image.name"));

        // Ctrl+C: everything stops, in order, and nothing is left.
        await app.InterruptAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, app.ExitCode);
        Assert.Contains("apphost  | stopped", app.Output);
        Assert.All(app.Ports.Values, port => Assert.True(AppHostProcess.PortIsFree(port), $"port {port} is still in use"));
        using var docker = new DockerClientConfiguration().CreateClient();
        var left = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"mlops.runner={app.Instance}"] = true } },
        });
        Assert.Empty(left);
    }

    /// <summary>The trace of the REST predict, as the dashboard's OTLP receiver got it (exports arrive within a few seconds).</summary>
    private static async Task<List<JsonObject>> PredictTraceThroughTheGatewayAsync(AppHostProcess app)
    {
        using var dashboard = app.DashboardHttp();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(500))
        {
            var traces = (await dashboard.GetFromJsonAsync<JsonArray>("/api/traces?function=predict"))!;
            foreach (var trace in traces.Where(t => t!["root"]!.GetValue<string>() == "gateway: POST /invoke"))
            {
                var spans = (await dashboard.GetFromJsonAsync<JsonArray>($"/api/traces/{trace!["traceId"]!.GetValue<string>()}"))!.Select(s => s!.AsObject()).ToList();
                // Each service exports in batches: wait until every span the test follows has arrived.
                var names = spans.Select(s => s["name"]!.GetValue<string>()).ToHashSet();
                if (RequiredSpans.All(names.Contains))
                {
                    return spans;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"no complete predict trace reached the dashboard; it has: {traces.ToJsonString()}");
            }
        }
    }

    private static readonly string[] RequiredSpans =
    [
        "POST /invoke", "mlops.v1.Runner/Invoke", "POST /mlops.v1.Runner/Invoke", "invoke predict",
        "resolve image", "container create", "container start", "container wait", "container remove",
    ];

    private static string? Attribute(JsonObject span, string key) => span["attributes"]![key]?.GetValue<string>();
}
