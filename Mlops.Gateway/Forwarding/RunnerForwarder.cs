using Mlops.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Gateway.Forwarding;

/// <summary>The Runner service as REST/JSON (through transcoding): every call goes on to the runner over gRPC.</summary>
public sealed class RunnerForwarder(Runner.RunnerClient runner) : Runner.RunnerBase
{
    [Authorize(Policy = Permissions.Read)]
    public override Task<ListFunctionsResponse> ListFunctions(ListFunctionsRequest request, ServerCallContext context) =>
        UnaryAsync(() => runner.ListFunctionsAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task<Invocation> GetInvocation(GetInvocationRequest request, ServerCallContext context) =>
        UnaryAsync(() => runner.GetInvocationAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Invoke)]
    [EnableRateLimiting(KeyRateLimits.InvocationsPolicy)]
    public override async Task<InvokeAsyncResponse> InvokeAsync(InvokeRequest request, ServerCallContext context)
    {
        var accepted = await UnaryAsync(() => runner.InvokeAsyncAsync(request, Relay.Options(context)).ResponseAsync);
        Accepted.Answer(context.GetHttpContext(), Accepted.Location(accepted.InvocationId));
        return accepted;
    }

    [Authorize(Policy = Permissions.Read)]
    public override Task WatchInvocation(WatchInvocationRequest request, IServerStreamWriter<InvokeEvent> responseStream, ServerCallContext context) =>
        StreamAsync(runner.WatchInvocation(request, Relay.Options(context)), responseStream, context);

    [Authorize(Policy = Permissions.Read)]
    public override Task<ListInvocationsResponse> ListInvocations(ListInvocationsRequest request, ServerCallContext context) =>
        UnaryAsync(() => runner.ListInvocationsAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task<RunnerStatus> GetStatus(GetStatusRequest request, ServerCallContext context) =>
        UnaryAsync(() => runner.GetStatusAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Admin)]
    public override Task BuildImage(BuildImageRequest request, IServerStreamWriter<BuildEvent> responseStream, ServerCallContext context) =>
        StreamAsync(runner.BuildImage(request, Relay.Options(context)), responseStream, context);

    [Authorize(Policy = Permissions.Invoke)]
    [EnableRateLimiting(KeyRateLimits.InvocationsPolicy)]
    public override Task Invoke(InvokeRequest request, IServerStreamWriter<InvokeEvent> responseStream, ServerCallContext context) =>
        StreamAsync(runner.Invoke(request, Relay.Options(context)), responseStream, context);

    internal static async Task<T> UnaryAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException ex)
        {
            throw Relay.Rethrow(ex);
        }
    }

    internal static async Task StreamAsync<T>(AsyncServerStreamingCall<T> call, IServerStreamWriter<T> responseStream, ServerCallContext context)
    {
        using (call)
        {
            try
            {
                await foreach (var item in call.ResponseStream.ReadAllAsync(context.CancellationToken))
                {
                    await responseStream.WriteAsync(item, context.CancellationToken);
                }
            }
            catch (RpcException ex)
            {
                throw Relay.Rethrow(ex);
            }
        }
    }
}
