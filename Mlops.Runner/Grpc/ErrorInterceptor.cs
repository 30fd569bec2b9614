using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Mlops.Runner.Grpc;

/// <summary>
/// Turns the runner's expected failures into precise gRPC statuses, with field violations as
/// google.rpc.BadRequest details. Anything else is a bug and stays an opaque error for the client.
/// </summary>
public sealed class ErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (Translate(ex) is { } status)
        {
            throw status;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (Translate(ex) is { } status)
        {
            throw status;
        }
    }

    internal static RpcException? Translate(Exception exception) => exception switch
    {
        RunnerException runner => ToRpcException(runner),
        // A full disk or a failing database the code on the way did not translate: still the caller's to know.
        _ when StorageFailures.TryTranslate(exception) is { } storage => ToRpcException(storage),
        // Docker.DotNet reports an unreachable engine as a failed HTTP request on its socket.
        HttpRequestException => new RpcException(new global::Grpc.Core.Status(StatusCode.Unavailable, "the Docker engine is not reachable")),
        _ => null,
    };

    internal static StatusCode ToStatusCode(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ErrorKind.NotFound => StatusCode.NotFound,
        ErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        ErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
        ErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        ErrorKind.DeadlineExceeded => StatusCode.DeadlineExceeded,
        ErrorKind.Cancelled => StatusCode.Cancelled,
        ErrorKind.Unavailable => StatusCode.Unavailable,
        ErrorKind.FunctionFailed => StatusCode.Internal,
        _ => StatusCode.Unknown,
    };

    private static RpcException ToRpcException(RunnerException exception)
    {
        var status = new Google.Rpc.Status { Code = (int)ToStatusCode(exception.Kind), Message = exception.Message };
        if (exception.Violations.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(exception.Violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
            status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(badRequest));
        }

        return status.ToRpcException();
    }
}
