using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using IPipelineRuns = Mlops.Runner.Pipelines.IPipelineRuns;
using Mlops.ServiceDefaults.Protobuf;
using Mlops.ServiceDefaults.Security;
using Mlops.V1;

namespace Mlops.Runner.Grpc;

/// <summary>The Pipelines API: maps the wire to the run engine and back; errors are mapped by <see cref="ErrorInterceptor"/>.</summary>
public sealed class PipelinesService(IPipelineRuns runs, IHostApplicationLifetime lifetime) : V1.Pipelines.PipelinesBase
{
    [Authorize(Policy = Permissions.Read)]
    public override async Task<ListPipelinesResponse> ListPipelines(ListPipelinesRequest request, ServerCallContext context) =>
        new() { Pipelines = { (await runs.ListPipelinesAsync(context.CancellationToken)).Select(PipelineMapper.ToProto) } };

    [Authorize(Policy = Permissions.Read)]
    public override async Task<Pipeline> GetPipeline(GetPipelineRequest request, ServerCallContext context) =>
        PipelineMapper.ToProto(await runs.GetPipelineAsync(request.Name, context.CancellationToken));

    // A failed run ends the stream with its status after `completed`, as Invoke does: the engine throws it, the interceptor maps it.
    [Authorize(Policy = Permissions.Invoke)]
    public override Task RunPipeline(RunPipelineRequest request, IServerStreamWriter<PipelineEvent> responseStream, ServerCallContext context) =>
        responseStream.WriteAllAsync(
            runs.RunAsync(request.Pipeline, StructMapper.ToJson(request.Inputs), request.NoCache, Callers.Of(context), context.CancellationToken),
            PipelineMapper.ToProto, context.CancellationToken);

    [Authorize(Policy = Permissions.Invoke)]
    public override async Task<RunPipelineAsyncResponse> RunPipelineAsync(RunPipelineRequest request, ServerCallContext context)
    {
        var id = await runs.StartAsync(request.Pipeline, StructMapper.ToJson(request.Inputs), request.NoCache, Callers.Of(context), context.CancellationToken);
        return new RunPipelineAsyncResponse { RunId = id, Status = V1.PipelineRunStatus.Pending };
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task<PipelineRun> GetPipelineRun(GetPipelineRunRequest request, ServerCallContext context) =>
        PipelineMapper.ToProto(await runs.GetRunAsync(request.Id, context.CancellationToken));

    [Authorize(Policy = Permissions.Read)]
    public override async Task<ListPipelineRunsResponse> ListPipelineRuns(ListPipelineRunsRequest request, ServerCallContext context)
    {
        var pageSize = RequestFields.PageSize(request.PageSize);
        var pipeline = RequestFields.OptionalName(request.Pipeline, "pipeline");
        return new() { Runs = { (await runs.ListRunsAsync(pipeline, pageSize, context.CancellationToken)).Select(PipelineMapper.ToSummary) } };
    }

    [Authorize(Policy = Permissions.Read)]
    public override Task WatchPipelineRun(WatchPipelineRunRequest request, IServerStreamWriter<PipelineEvent> responseStream, ServerCallContext context) =>
        responseStream.WriteAllAsync(runs.WatchRunAsync(request.Id, context.CancellationToken), PipelineMapper.ToProto, context.CancellationToken);

    [Authorize(Policy = Permissions.Read)]
    public override async Task WatchPipelineRuns(WatchPipelineRunsRequest request, IServerStreamWriter<PipelineRun> responseStream, ServerCallContext context)
    {
        // Endless, unlike a run's watch: it also ends when the runner stops, or it would hold the stop until the server's own bound.
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await responseStream.WriteAllAsync(runs.WatchRunsAsync(watching.Token), PipelineMapper.ToSummary, watching.Token);
        }
        catch (OperationCanceledException) when (watching.IsCancellationRequested)
        {
            // The watcher left, or the runner is stopping: the watch ends (a dashboard watches the next runner).
        }
    }

    [Authorize(Policy = Permissions.Invoke)]
    public override async Task<PipelineRun> CancelPipelineRun(CancelPipelineRunRequest request, ServerCallContext context) =>
        PipelineMapper.ToProto(await runs.CancelAsync(request.Id, Callers.Of(context), context.CancellationToken));
}
