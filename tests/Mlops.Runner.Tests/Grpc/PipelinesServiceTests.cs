using System.Reflection;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Mlops.Runner.Containers;
using Mlops.Runner.Grpc;
using Mlops.Runner.Pipelines;
using Mlops.ServiceDefaults.Security;
using static Mlops.Runner.Tests.Grpc.PipelineSamples;
using V1 = Mlops.V1;

namespace Mlops.Runner.Tests.Grpc;

/// <summary>The Pipelines gRPC service over a fake engine: what reaches the engine, what goes on the wire, which status ends a call.</summary>
public sealed class PipelinesServiceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakePipelineRuns _runs = new();
    private readonly FakeLifetime _lifetime = new();
    private readonly ErrorInterceptor _interceptor = new();

    private PipelinesService Service => new(_runs, _lifetime);

    [Fact]
    public async Task ListPipelines_AFileThatDoesNotValidate_IsListedWithItsErrorBesideTheValidOnes()
    {
        _runs.Entries = [new PipelineEntry("iris", Iris(), null), new PipelineEntry("broken", null, "steps.train.function: there is no function 'nope'")];

        var response = await Service.ListPipelines(new V1.ListPipelinesRequest(), Calls.ByDeveloper());

        Assert.Equal(["iris", "broken"], response.Pipelines.Select(p => p.Name));
        Assert.Equal(3, response.Pipelines[0].Steps.Count);
        Assert.Equal("steps.train.function: there is no function 'nope'", response.Pipelines[1].DefinitionError);
        Assert.Empty(response.Pipelines[1].Steps);
    }

    [Fact]
    public async Task GetPipeline_ThePlan_CarriesInputsStepsAndConditionsAsWritten()
    {
        _runs.Entries = [new PipelineEntry("iris", Iris(), null)];

        var plan = await Service.GetPipeline(new V1.GetPipelineRequest { Name = "iris" }, Calls.ByDeveloper());

        var input = Assert.Single(plan.Inputs);
        Assert.Equal(("n_estimators", "array"), (input.Name, input.Type));
        Assert.Equal(Value.ForList(Value.ForNumber(10), Value.ForNumber(50)), input.DefaultValue);
        Assert.Equal(("train", "train", true, "", 120, 1), (plan.Steps[1].Id, plan.Steps[1].Function, plan.Steps[1].Map, plan.Steps[1].When, plan.Steps[1].TimeoutSeconds, plan.Steps[1].Retries));
        Assert.Equal(["split"], plan.Steps[1].DependsOn);
        Assert.Equal(("register", "", "${steps.best.result.metrics.f1} >= 0.9"), (plan.Steps[2].Action, plan.Steps[2].Function, plan.Steps[2].When));
        Assert.Equal(("sha256:abc", true), (plan.Digest, plan.Cache));
    }

    [Fact]
    public async Task GetPipeline_NoSuchPipeline_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _interceptor.UnaryServerHandler(
            new V1.GetPipelineRequest { Name = "nope" }, Calls.ByDeveloper(), (request, context) => Service.GetPipeline(request, context)));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task RunPipeline_InputsFlagsAndCaller_ReachTheEngine_AndItsEventsGoOutInOrder()
    {
        _runs.Events = Feed(Run("run-1", PipelineRunStatus.Succeeded, StepRun("split", StepStatus.Succeeded)));
        var stream = new RecordingStreamWriter<V1.PipelineEvent>();
        var request = new V1.RunPipelineRequest { Pipeline = "iris", NoCache = true, Inputs = new Struct { Fields = { ["n_estimators"] = Value.ForList(Value.ForNumber(10)) } } };

        await Service.RunPipeline(request, stream, Calls.ByDeveloper());

        Assert.Equal("iris", _runs.Asked.Pipeline);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["n_estimators"] = new JsonArray(10) }, _runs.Asked.Inputs));
        Assert.True(_runs.Asked.NoCache);
        Assert.Equal(new Caller("key-dev", IsAdmin: false), _runs.Asked.Caller);
        Assert.Equal(
            [V1.PipelineEvent.EventOneofCase.Accepted, V1.PipelineEvent.EventOneofCase.StepQueued, V1.PipelineEvent.EventOneofCase.StepStarted,
             V1.PipelineEvent.EventOneofCase.StepLog, V1.PipelineEvent.EventOneofCase.StepCached, V1.PipelineEvent.EventOneofCase.StepCompleted,
             V1.PipelineEvent.EventOneofCase.Completed],
            stream.Written.Select(e => e.EventCase));
        Assert.All(stream.Written, e => Assert.Equal("run-1", e.RunId));
        var started = stream.Written[2];
        Assert.Equal(("split", "sha256:key-split", 2, "inv-split"), (started.Step, started.StepStarted.CacheKey, started.StepStarted.Attempt, started.StepStarted.InvocationId));
        Assert.Equal((V1.LogStream.Stderr, "fitting"), (stream.Written[3].StepLog.Stream, stream.Written[3].StepLog.Line));
        Assert.Equal(("sha256:key-split", "run-0"), (stream.Written[4].StepCached.CacheKey, stream.Written[4].StepCached.CacheSourceRun));
        Assert.Equal(V1.PipelineRunStatus.Succeeded, stream.Written[6].Completed.Status);
    }

    [Fact]
    public async Task RunPipeline_AFailedRun_EndsWithTheFailedStepsStatusAfterCompleted()
    {
        _runs.Events = Feed(Run("run-1", PipelineRunStatus.Failed, StepRun("train", StepStatus.Failed)));
        _runs.FailureAfterEvents = RunnerException.InvalidArgument("steps.train", "bad data");
        var stream = new RecordingStreamWriter<V1.PipelineEvent>();

        var error = await Assert.ThrowsAsync<RpcException>(() => _interceptor.ServerStreamingServerHandler(
            new V1.RunPipelineRequest { Pipeline = "iris" }, stream, Calls.ByDeveloper(), (request, writer, context) => Service.RunPipeline(request, writer, context)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("steps.train", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        var completed = stream.Written[^1].Completed;
        Assert.Equal((V1.PipelineRunStatus.Failed, "INVALID_ARGUMENT", V1.StepStatus.Failed), (completed.Status, completed.ErrorCode, completed.Steps[0].Status));
    }

    [Fact]
    public async Task RunPipelineAsync_AnswersTheAcceptedRunsId()
    {
        var accepted = await Service.RunPipelineAsync(new V1.RunPipelineRequest { Pipeline = "iris" }, Calls.ByDeveloper());

        Assert.Equal(("run-1", V1.PipelineRunStatus.Pending), (accepted.RunId, accepted.Status));
        Assert.Equal("iris", _runs.Asked.Pipeline);
    }

    [Theory]
    [InlineData(-1, "page_size")]
    [InlineData(RequestFields.MaxPageSize + 1, "page_size")]
    public async Task ListPipelineRuns_PageSizeOutOfBounds_IsInvalidArgumentNamingItBeforeTheEngine(int pageSize, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _interceptor.UnaryServerHandler(
            new V1.ListPipelineRunsRequest { PageSize = pageSize }, Calls.ByDeveloper(), (request, context) => Service.ListPipelineRuns(request, context)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(field, Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Null(_runs.Asked.Caller);
        Assert.Equal(0, _runs.Asked.Max);
    }

    [Fact]
    public async Task ListPipelineRuns_Defaults_AskForFiftyOfEveryPipeline_AndLeaveResultsOut()
    {
        _runs.Runs = [Run("run-1", PipelineRunStatus.Succeeded, StepRun("split", StepStatus.Succeeded))];

        var response = await Service.ListPipelineRuns(new V1.ListPipelineRunsRequest(), Calls.ByDeveloper());

        Assert.Equal((null, RequestFields.DefaultPageSize), (_runs.Asked.Pipeline, _runs.Asked.Max));
        var step = Assert.Single(Assert.Single(response.Runs).Steps);
        Assert.Equal(("sha256:key-split", V1.StepStatus.Succeeded), (step.CacheKey, step.Status));
        Assert.Null(step.Result);
        Assert.Null(step.Parameters);
    }

    [Fact]
    public async Task GetPipelineRun_AMapStep_HasItsItemsWithIndexValueAndResult()
    {
        var items = new[] { StepRun("train", StepStatus.Succeeded, cacheHit: true, item: 0), StepRun("train", StepStatus.Failed, item: 1) };
        _runs.Runs = [Run("run-1", PipelineRunStatus.Failed, StepRun("train", StepStatus.Failed, items: items))];

        var run = await Service.GetPipelineRun(new V1.GetPipelineRunRequest { Id = "run-1" }, Calls.ByDeveloper());

        Assert.Equal(("step train failed", "trace-1"), (run.ErrorMessage, run.TraceId));
        var train = Assert.Single(run.Steps);
        Assert.False(train.HasItem);
        Assert.Equal((0, 10.0, true, "run-0"), (train.Items[0].Item, train.Items[0].ItemValue.NumberValue, train.Items[0].CacheHit, train.Items[0].CacheSourceRun));
        Assert.Equal(0.95, train.Items[0].Result.Fields["metrics"].StructValue.Fields["f1"].NumberValue);
        Assert.Equal(("sha256:model", "sha256:data"), (train.Items[0].Artifacts["model"], train.Items[0].InputArtifacts["train"]));
        Assert.Equal(("INVALID_ARGUMENT", "bad data"), (train.Items[1].ErrorCode, train.Items[1].ErrorMessage));
    }

    [Fact]
    public async Task CancelPipelineRun_TheCallersKey_ReachesTheEngine()
    {
        _runs.Runs = [Run("run-1", PipelineRunStatus.Cancelled)];

        var run = await Service.CancelPipelineRun(new V1.CancelPipelineRunRequest { Id = "run-1" }, Calls.By("key-admin", Mlops.Keys.Roles.Admin));

        Assert.Equal(V1.PipelineRunStatus.Cancelled, run.Status);
        Assert.Equal(("run-1", new Caller("key-admin", IsAdmin: true)), (_runs.Asked.Pipeline, _runs.Asked.Caller));
    }

    [Fact]
    public async Task WatchPipelineRuns_TheRunnerStopping_EndsTheWatchWithoutAnError()
    {
        _runs.Runs = [Run("run-1", PipelineRunStatus.Running, StepRun("split", StepStatus.Running))];
        var stream = new RecordingStreamWriter<V1.PipelineRun>();

        var watching = Service.WatchPipelineRuns(new V1.WatchPipelineRunsRequest(), stream, Calls.ByDeveloper());
        _lifetime.StopApplication();
        await watching.WaitAsync(Bound);

        Assert.Equal("run-1", Assert.Single(stream.Written).Id);
        Assert.Null(stream.Written[0].Steps[0].Result);
    }

    [Theory]
    [InlineData(nameof(PipelinesService.ListPipelines), Permissions.Read)]
    [InlineData(nameof(PipelinesService.GetPipeline), Permissions.Read)]
    [InlineData(nameof(PipelinesService.GetPipelineRun), Permissions.Read)]
    [InlineData(nameof(PipelinesService.ListPipelineRuns), Permissions.Read)]
    [InlineData(nameof(PipelinesService.WatchPipelineRun), Permissions.Read)]
    [InlineData(nameof(PipelinesService.WatchPipelineRuns), Permissions.Read)]
    [InlineData(nameof(PipelinesService.RunPipeline), Permissions.Invoke)]
    [InlineData(nameof(PipelinesService.RunPipelineAsync), Permissions.Invoke)]
    [InlineData(nameof(PipelinesService.CancelPipelineRun), Permissions.Invoke)]
    public void EachMethod_AsksForItsPermission_ViewersReadDevelopersRun(string method, string permission) =>
        Assert.Equal(permission, typeof(PipelinesService).GetMethod(method)!.GetCustomAttribute<AuthorizeAttribute>()!.Policy);

    /// <summary>Every kind of event, about step "split", then the run's end.</summary>
    private static PipelineEvent[] Feed(PipelineRunRecord ended) =>
    [
        new PipelineRunAccepted("run-1", Start, Iris(), Resumed: false),
        new StepQueued("run-1", Start) { Step = "split" },
        new StepStarted("run-1", Start, "sha256:key-split", 2, "inv-split") { Step = "split" },
        new StepLog("run-1", Start, OutputStream.Stderr, "fitting") { Step = "split" },
        new StepCached("run-1", Start, "sha256:key-split", "run-0") { Step = "split" },
        new StepCompleted("run-1", Start, ended.Steps[0]) { Step = "split" },
        new PipelineRunCompleted("run-1", Start, ended),
    ];
}
