using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Mlops.Gateway.Tests.Hosting;
using Mlops.Keys;
using Mlops.V1;
using static Mlops.Gateway.Tests.Routes.InvokeRouteTests;

namespace Mlops.Gateway.Tests.Routes;

/// <summary>Every route of pipelines.proto over REST: what reaches the runner, what comes back, who may call it.</summary>
public sealed class PipelineRouteTests(GatewayHost gateway) : IClassFixture<GatewayHost>, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("/v1/pipelines", "ListPipelines")]
    [InlineData("/v1/pipelines/iris", "GetPipeline")]
    [InlineData("/v1/pipelineRuns/run-1", "GetPipelineRun")]
    [InlineData("/v1/pipelineRuns?pipeline=iris&pageSize=5", "ListPipelineRuns")]
    public async Task ReadRoutes_AViewer_ReachesTheRunnerWithItsKey(string path, string method)
    {
        using var client = gateway.Client(Roles.Viewer);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(gateway.Runner.Calls);
        Assert.Equal((method, $"Bearer {gateway.Key(Roles.Viewer)}"), (call.Method, call.Authorization));
    }

    [Fact]
    public async Task GetPipeline_ThePlan_IsCamelCaseJson()
    {
        using var client = gateway.Client(Roles.Viewer);

        var plan = (await client.GetFromJsonAsync<JsonObject>("/v1/pipelines/iris"))!;

        Assert.Equal("iris", gateway.Runner.Single<GetPipelineRequest>("GetPipeline").Name);
        Assert.Equal(new JsonArray(10, 50).ToJsonString(), plan["inputs"]![0]!["defaultValue"]!.ToJsonString());
        Assert.Equal("split", plan["steps"]![1]!["dependsOn"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task ListPipelineRuns_QueryParameters_BecomeTheRequest()
    {
        using var client = gateway.Client(Roles.Viewer);

        var body = (await client.GetFromJsonAsync<JsonObject>("/v1/pipelineRuns?pipeline=iris&pageSize=5"))!;

        Assert.Equal(new ListPipelineRunsRequest { Pipeline = "iris", PageSize = 5 }, gateway.Runner.Single<ListPipelineRunsRequest>("ListPipelineRuns"));
        var step = body["runs"]![0]!["steps"]![0]!;
        Assert.Equal(("sha256:0123", true, "run-0"), (step["cacheKey"]!.GetValue<string>(), step["cacheHit"]!.GetValue<bool>(), step["cacheSourceRun"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RunPipelineAsync_ADeveloper_Gets202WithTheRunsLocation()
    {
        using var client = gateway.Client(Roles.Developer);

        using var response = await client.PostAsync("/v1/pipelines/iris:runAsync", Json("""{"inputs": {"n_estimators": [10, 50]}, "noCache": true}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/v1/pipelineRuns/run-1", response.Headers.Location?.ToString());
        Assert.Equal("run-1", (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>());
        var sent = gateway.Runner.Single<RunPipelineRequest>("RunPipelineAsync");
        Assert.Equal(("iris", true), (sent.Pipeline, sent.NoCache));
        Assert.Equal(Struct.Parser.ParseJson("""{"n_estimators": [10, 50]}"""), sent.Inputs);
    }

    [Fact]
    public async Task RunPipelineAsync_OverGrpc_AnswersTheIdWithoutARestStatus()
    {
        using var channel = gateway.Channel();
        var client = new Pipelines.PipelinesClient(channel);

        var accepted = await client.RunPipelineAsyncAsync(new RunPipelineRequest { Pipeline = "iris" }, new Metadata { { "authorization", $"Bearer {gateway.Key(Roles.Developer)}" } });

        Assert.Equal("run-1", accepted.RunId);
    }

    [Theory]
    [InlineData("/v1/pipelines/iris:run")]
    [InlineData("/v1/pipelineRuns/run-1:watch")]
    public async Task EventStreams_OverRest_ArriveAsOneJsonEventPerLine(string path)
    {
        gateway.Runner.PipelineEvents =
        [
            new PipelineEvent { RunId = "run-1", Accepted = new PipelineRunAccepted { Pipeline = "iris" } },
            new PipelineEvent { RunId = "run-1", Step = "split", StepCached = new StepCached { CacheKey = "sha256:0123", CacheSourceRun = "run-0" } },
            new PipelineEvent { RunId = "run-1", Completed = FakePipelinesService.Run("run-1", PipelineRunStatus.Succeeded) },
        ];
        using var client = gateway.Client(Roles.Developer);
        using var timeout = new CancellationTokenSource(Bound);

        using var response = path.EndsWith(":run", StringComparison.Ordinal)
            ? await client.PostAsync(path, Json("{}"), timeout.Token)
            : await client.GetAsync(path, timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await Lines(response, timeout.Token);
        Assert.Equal(3, events.Count);
        Assert.Equal("iris", events[0]["accepted"]!["pipeline"]!.GetValue<string>());
        Assert.Equal(("split", "run-0"), (events[1]["step"]!.GetValue<string>(), events[1]["stepCached"]!["cacheSourceRun"]!.GetValue<string>()));
        Assert.Equal("PIPELINE_RUN_STATUS_SUCCEEDED", events[2]["completed"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task WatchPipelineRuns_OverRest_StreamsEachRunAsItChanges()
    {
        using var client = gateway.Client(Roles.Viewer);
        using var timeout = new CancellationTokenSource(Bound);

        using var response = await client.GetAsync("/v1/pipelineRuns:watch", HttpCompletionOption.ResponseHeadersRead, timeout.Token);

        var runs = await Lines(response, timeout.Token);
        Assert.Equal(["PIPELINE_RUN_STATUS_RUNNING", "PIPELINE_RUN_STATUS_SUCCEEDED"], runs.Select(run => run["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CancelPipelineRun_ADeveloper_GetsTheEndedRun()
    {
        using var client = gateway.Client(Roles.Developer);

        using var response = await client.PostAsync("/v1/pipelineRuns/run-1:cancel", Json("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("run-1", gateway.Runner.Single<CancelPipelineRunRequest>("CancelPipelineRun").Id);
        Assert.Equal("PIPELINE_RUN_STATUS_CANCELLED", (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(Roles.Viewer, "/v1/pipelines/iris:run")]
    [InlineData(Roles.Viewer, "/v1/pipelines/iris:runAsync")]
    [InlineData(Roles.Viewer, "/v1/pipelineRuns/run-1:cancel")]
    [InlineData(Roles.Predictor, "/v1/pipelines/iris:runAsync")]
    public async Task RunAndCancel_WithoutADevelopersRole_Are403BeforeTheRunner(string role, string path)
    {
        using var client = gateway.Client(role);

        using var response = await client.PostAsync(path, Json("{}"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(gateway.Runner.Calls);
    }

    [Fact]
    public async Task ReadRoutes_APredictor_Is403BeforeTheRunner()
    {
        using var client = gateway.Client(Roles.Predictor);

        using var response = await client.GetAsync("/v1/pipelines");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(gateway.Runner.Calls);
    }

    [Fact]
    public async Task RunPipelineAsync_RunnerRefusesAnInput_Is400WithTheFieldInTheStatusShape()
    {
        gateway.Runner.Failure = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = "inputs.n_estimators: must be an array",
            Details = { Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = "inputs.n_estimators", Description = "must be an array" } } }) },
        }.ToRpcException();
        using var client = gateway.Client(Roles.Developer);

        using var response = await client.PostAsync("/v1/pipelines/iris:runAsync", Json("""{"inputs": {"n_estimators": 10}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(((int)StatusCode.InvalidArgument, "inputs.n_estimators: must be an array"), (body["code"]!.GetValue<int>(), body["message"]!.GetValue<string>()));
        Assert.Equal("inputs.n_estimators", body["details"]![0]!["fieldViolations"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetPipeline_NoSuchPipeline_Is404InTheStatusShape()
    {
        using var client = gateway.Client(Roles.Viewer);

        using var response = await client.GetAsync("/v1/pipelines/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("there is no pipeline 'nope'", (await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>());
    }

    /// <summary>A streamed REST answer: one JSON message per line, read to its end.</summary>
    private static async Task<List<JsonNode>> Lines(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => JsonNode.Parse(line)!)];
    }

    public void Dispose() => gateway.Runner.Reset();
}
