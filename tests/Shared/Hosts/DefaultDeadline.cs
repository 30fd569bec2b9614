using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Mlops.Testing;

/// <summary>Gives every call without a deadline one, so that a test against a wedged server fails instead of hanging.</summary>
public sealed class DefaultDeadline(TimeSpan bound) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Bounded(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Bounded(context));

    private ClientInterceptorContext<TRequest, TResponse> Bounded<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class =>
        context.Options.Deadline is not null
            ? context
            : new(context.Method, context.Host, context.Options.WithDeadline(DateTime.UtcNow + bound));
}
