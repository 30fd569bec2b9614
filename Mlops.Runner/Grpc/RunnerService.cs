using Mlops.ServiceDefaults.Protobuf;
using Mlops.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using Mlops.Runner.Functions;
using Mlops.Runner.Images;
using Mlops.Runner.Invocations;
using Mlops.Runner.Reporting;
using Mlops.V1;

namespace Mlops.Runner.Grpc;

/// <summary>The Runner API: maps the wire to the pipeline and back; errors are mapped by <see cref="ErrorInterceptor"/>.</summary>
public sealed class RunnerService(
    FunctionCatalog catalog,
    IImageResolver images,
    InvocationConductor conductor,
    InvocationWatch watch,
    InvocationStore store,
    StatusReporter status) : V1.Runner.RunnerBase
{
    [Authorize(Policy = Permissions.Read)]
    public override async Task<ListFunctionsResponse> ListFunctions(ListFunctionsRequest request, ServerCallContext context) =>
        new() { Functions = { (await catalog.ListAsync(context.CancellationToken)).Select(ProtoMapper.ToProto) } };

    [Authorize(Policy = Permissions.Admin)]
    public override async Task BuildImage(BuildImageRequest request, IServerStreamWriter<BuildEvent> responseStream, ServerCallContext context)
    {
        var manifest = await catalog.GetAsync(request.Function, context.CancellationToken);
        await responseStream.WriteAllAsync(images.EnsureAsync(manifest, measureLayers: true, context.CancellationToken), ProtoMapper.ToProto, context.CancellationToken);
    }

    // Counted per key by the admission gate (Capacity:InvocationsPerKey) until the invocation ends, not while the call lasts.
    [Authorize(Policy = Permissions.Invoke)]
    public override Task Invoke(InvokeRequest request, IServerStreamWriter<InvokeEvent> responseStream, ServerCallContext context) =>
        responseStream.WriteAllAsync(
            conductor.InvokeAsync(request.Function, StructMapper.ToJson(request.Parameters), Callers.Of(context).KeyId, context.CancellationToken),
            ProtoMapper.ToProto, context.CancellationToken);

    [Authorize(Policy = Permissions.Invoke)]
    public override async Task<InvokeAsyncResponse> InvokeAsync(InvokeRequest request, ServerCallContext context)
    {
        var id = await conductor.StartAsync(request.Function, StructMapper.ToJson(request.Parameters), request.CallbackUrl, Callers.Of(context).KeyId, context.CancellationToken);
        return new InvokeAsyncResponse { Status = "accepted", InvocationId = id };
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task<Invocation> GetInvocation(GetInvocationRequest request, ServerCallContext context) =>
        ProtoMapper.ToProto(await watch.GetAsync(request.Id, RequestFields.Wait(request.Wait), context.CancellationToken));

    [Authorize(Policy = Permissions.Read)]
    public override Task WatchInvocation(WatchInvocationRequest request, IServerStreamWriter<InvokeEvent> responseStream, ServerCallContext context) =>
        responseStream.WriteAllAsync(watch.WatchAsync(request.Id, context.CancellationToken), ProtoMapper.ToProto, context.CancellationToken);

    [Authorize(Policy = Permissions.Read)]
    public override Task<ListInvocationsResponse> ListInvocations(ListInvocationsRequest request, ServerCallContext context)
    {
        var pageSize = RequestFields.PageSize(request.PageSize);
        return Task.FromResult(new ListInvocationsResponse { Invocations = { store.List(RequestFields.OptionalName(request.Function, "function"), pageSize).Select(ProtoMapper.ToProto) } });
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task<RunnerStatus> GetStatus(GetStatusRequest request, ServerCallContext context) =>
        StatusMapper.ToProto(await status.ReportAsync(context.CancellationToken));
}
