using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Gateway.Tests.Hosting;

/// <summary>The runner's Pipelines service as a peer: one pipeline "iris", run "run-1", and the events the script says.</summary>
public sealed class FakePipelinesService(RunnerScript script) : Pipelines.PipelinesBase
{
    public override Task<ListPipelinesResponse> ListPipelines(ListPipelinesRequest request, ServerCallContext context)
    {
        script.Answering(nameof(ListPipelines), request, context);
        return Task.FromResult(new ListPipelinesResponse { Pipelines = { Iris() } });
    }

    public override Task<Pipeline> GetPipeline(GetPipelineRequest request, ServerCallContext context)
    {
        script.Answering(nameof(GetPipeline), request, context);
        return Task.FromResult(request.Name == "iris" ? Iris() : throw new RpcException(new Status(StatusCode.NotFound, $"there is no pipeline '{request.Name}'")));
    }

    public override async Task RunPipeline(RunPipelineRequest request, IServerStreamWriter<PipelineEvent> responseStream, ServerCallContext context)
    {
        script.Answering(nameof(RunPipeline), request, context);
        foreach (var item in script.PipelineEvents)
        {
            await responseStream.WriteAsync(item, context.CancellationToken);
        }
    }

    public override Task<RunPipelineAsyncResponse> RunPipelineAsync(RunPipelineRequest request, ServerCallContext context)
    {
        script.Answering(nameof(RunPipelineAsync), request, context);
        return Task.FromResult(new RunPipelineAsyncResponse { RunId = "run-1", Status = PipelineRunStatus.Pending });
    }

    public override Task<PipelineRun> GetPipelineRun(GetPipelineRunRequest request, ServerCallContext context)
    {
        script.Answering(nameof(GetPipelineRun), request, context);
        return Task.FromResult(Run(request.Id, PipelineRunStatus.Succeeded));
    }

    public override Task<ListPipelineRunsResponse> ListPipelineRuns(ListPipelineRunsRequest request, ServerCallContext context)
    {
        script.Answering(nameof(ListPipelineRuns), request, context);
        return Task.FromResult(new ListPipelineRunsResponse { Runs = { Run("run-1", PipelineRunStatus.Succeeded) } });
    }

    public override async Task WatchPipelineRun(WatchPipelineRunRequest request, IServerStreamWriter<PipelineEvent> responseStream, ServerCallContext context)
    {
        script.Answering(nameof(WatchPipelineRun), request, context);
        foreach (var item in script.PipelineEvents)
        {
            await responseStream.WriteAsync(item, context.CancellationToken);
        }
    }

    public override async Task WatchPipelineRuns(WatchPipelineRunsRequest request, IServerStreamWriter<PipelineRun> responseStream, ServerCallContext context)
    {
        script.Answering(nameof(WatchPipelineRuns), request, context);
        await responseStream.WriteAsync(Run("run-1", PipelineRunStatus.Running), context.CancellationToken);
        await responseStream.WriteAsync(Run("run-1", PipelineRunStatus.Succeeded), context.CancellationToken);
    }

    public override Task<PipelineRun> CancelPipelineRun(CancelPipelineRunRequest request, ServerCallContext context)
    {
        script.Answering(nameof(CancelPipelineRun), request, context);
        return Task.FromResult(Run(request.Id, PipelineRunStatus.Cancelled));
    }

    private static Pipeline Iris() => new()
    {
        Name = "iris",
        Cache = true,
        Inputs = { new PipelineInput { Name = "n_estimators", Type = "array", DefaultValue = Value.ForList(Value.ForNumber(10), Value.ForNumber(50)) } },
        Steps = { new PipelineStep { Id = "split", Function = "iris-split", Cache = true }, new PipelineStep { Id = "train", Function = "train", Map = true, DependsOn = { "split" }, Cache = true } },
    };

    public static PipelineRun Run(string id, PipelineRunStatus status) => new()
    {
        Id = id,
        Pipeline = "iris",
        Status = status,
        Steps = { new StepRun { Step = "split", Status = StepStatus.Succeeded, CacheKey = "sha256:0123", CacheHit = true, CacheSourceRun = "run-0" } },
    };
}
