using Grpc.Core;

namespace Mlops.Gateway.Serving;

/// <summary>A prediction that cannot be answered, with the HTTP status and gRPC status that say why.</summary>
public sealed class ServingException(int httpStatus, StatusCode grpcStatus, string message) : Exception(Bounded.Text(message))
{
    public int HttpStatus { get; } = httpStatus;

    public StatusCode GrpcStatus { get; } = grpcStatus;

    public static ServingException BadInput(string message) => new(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, message);

    public RpcException ToRpcException() => new(new Status(GrpcStatus, Message));

    public static ServingException NotFound(string endpoint) => new(StatusCodes.Status404NotFound, StatusCode.NotFound, $"there is no endpoint '{Bounded.Text(endpoint, Bounded.NameLength)}'");
}
