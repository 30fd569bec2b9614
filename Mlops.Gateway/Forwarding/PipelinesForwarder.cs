using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Mlops.ServiceDefaults.Security;
using Mlops.V1;

namespace Mlops.Gateway.Forwarding;

/// <summary>The Pipelines service as REST/JSON (through transcoding): every call goes on to the runner over gRPC.</summary>
public sealed class PipelinesForwarder(V1.Pipelines.PipelinesClient pipelines) : V1.Pipelines.PipelinesBase
{
    [Authorize(Policy = Permissions.Read)]
    public override Task<ListPipelinesResponse> ListPipelines(ListPipelinesRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => pipelines.ListPipelinesAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task<Pipeline> GetPipeline(GetPipelineRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => pipelines.GetPipelineAsync(request, Relay.Options(context)).ResponseAsync);

    // Counted with the key's invocations while the call lasts, as Invoke is: a run is work the key starts.
    [Authorize(Policy = Permissions.Invoke)]
    [EnableRateLimiting(KeyRateLimits.InvocationsPolicy)]
    public override Task RunPipeline(RunPipelineRequest request, IServerStreamWriter<PipelineEvent> responseStream, ServerCallContext context) =>
        RunnerForwarder.StreamAsync(pipelines.RunPipeline(request, Relay.Options(context)), responseStream, context);

    [Authorize(Policy = Permissions.Invoke)]
    [EnableRateLimiting(KeyRateLimits.InvocationsPolicy)]
    public override async Task<RunPipelineAsyncResponse> RunPipelineAsync(RunPipelineRequest request, ServerCallContext context)
    {
        var accepted = await RunnerForwarder.UnaryAsync(() => pipelines.RunPipelineAsyncAsync(request, Relay.Options(context)).ResponseAsync);
        Accepted.Answer(context.GetHttpContext(), Accepted.PipelineRunLocation(accepted.RunId));
        return accepted;
    }

    [Authorize(Policy = Permissions.Read)]
    public override Task<PipelineRun> GetPipelineRun(GetPipelineRunRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => pipelines.GetPipelineRunAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task<ListPipelineRunsResponse> ListPipelineRuns(ListPipelineRunsRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => pipelines.ListPipelineRunsAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task WatchPipelineRun(WatchPipelineRunRequest request, IServerStreamWriter<PipelineEvent> responseStream, ServerCallContext context) =>
        RunnerForwarder.StreamAsync(pipelines.WatchPipelineRun(request, Relay.Options(context)), responseStream, context);

    [Authorize(Policy = Permissions.Read)]
    public override Task WatchPipelineRuns(WatchPipelineRunsRequest request, IServerStreamWriter<PipelineRun> responseStream, ServerCallContext context) =>
        RunnerForwarder.StreamAsync(pipelines.WatchPipelineRuns(request, Relay.Options(context)), responseStream, context);

    [Authorize(Policy = Permissions.Invoke)]
    public override Task<PipelineRun> CancelPipelineRun(CancelPipelineRunRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => pipelines.CancelPipelineRunAsync(request, Relay.Options(context)).ResponseAsync);
}
