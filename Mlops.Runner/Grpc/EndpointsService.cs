using Mlops.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Endpoints;
using Mlops.V1;
using Endpoint = Mlops.V1.Endpoint;

namespace Mlops.Runner.Grpc;

/// <summary>The serving control plane. Predict is the gateway's (the data plane); here it stays unimplemented.</summary>
public sealed class EndpointsService(EndpointManager endpoints, IHostApplicationLifetime lifetime, ILogger<EndpointsService> logger) : V1.Endpoints.EndpointsBase
{
    [Authorize(Policy = Permissions.Deploy)]
    public override async Task<Endpoint> PutEndpoint(PutEndpointRequest request, ServerCallContext context) =>
        EndpointMapper.ToProto(await endpoints.PutAsync(EndpointMapper.ToSpec(request), Callers.Of(context), context.CancellationToken));

    [Authorize(Policy = Permissions.Read)]
    public override Task<Endpoint> GetEndpoint(GetEndpointRequest request, ServerCallContext context) =>
        Task.FromResult(EndpointMapper.ToProto(endpoints.Get(request.Name)));

    [Authorize(Policy = Permissions.Read)]
    public override Task<ListEndpointsResponse> ListEndpoints(ListEndpointsRequest request, ServerCallContext context)
    {
        var response = new ListEndpointsResponse();
        response.Endpoints.AddRange(endpoints.List().Select(EndpointMapper.ToProto));
        return Task.FromResult(response);
    }

    // Deploy, not Admin: a developer deletes the endpoints their key created (the manager checks whose it is).
    [Authorize(Policy = Permissions.Deploy)]
    public override async Task<DeleteEndpointResponse> DeleteEndpoint(DeleteEndpointRequest request, ServerCallContext context)
    {
        await endpoints.DeleteAsync(request.Name, Callers.Of(context), context.CancellationToken);
        return new DeleteEndpointResponse();
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task WatchEndpoints(WatchEndpointsRequest request, IServerStreamWriter<V1.EndpointEvent> responseStream, ServerCallContext context)
    {
        // A watch lasts until the watcher leaves, or the runner stops: the server waits for open calls before it
        // stops its services (the replicas' removal among them), so a watch left open would hold the stop for as
        // long as the server lets it (and an orchestrator kills a runner that does not stop in seconds).
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var change in endpoints.WatchAsync(watching.Token))
            {
                await responseStream.WriteAsync(EndpointMapper.ToProto(change), watching.Token);
            }
        }
        catch (OperationCanceledException) when (watching.IsCancellationRequested)
        {
            // The watcher left, or the runner is stopping: a watch ends that way (the watcher follows the next runner).
        }
        catch (WatchOverflowException ex)
        {
            // Aborted: retry at a higher level, i.e. watch again from the snapshot.
            logger.WatchOverflowed(endpoints.WatchBacklog);
            throw new RpcException(new Status(StatusCode.Aborted, ex.Message));
        }
    }

    [Authorize(Policy = Permissions.Service)]
    public override Task<ReportLoadResponse> ReportLoad(LoadReport request, ServerCallContext context)
    {
        endpoints.Report(request.Endpoints.Select(EndpointMapper.ToLoad));
        return Task.FromResult(new ReportLoadResponse());
    }
}
