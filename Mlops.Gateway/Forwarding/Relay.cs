using Grpc.Core;

namespace Mlops.Gateway.Forwarding;

/// <summary>Passes the runner's answer through unchanged: its status, its message, and its details (field violations).</summary>
internal static class Relay
{
    private static readonly HashSet<string> TransportKeys = ["grpc-status", "grpc-message", "content-type", "date", "server"];

    public static RpcException Rethrow(RpcException fromRunner)
    {
        var trailers = new Metadata();
        foreach (var entry in fromRunner.Trailers.Where(entry => !TransportKeys.Contains(entry.Key)))
        {
            trailers.Add(entry);
        }

        return new RpcException(fromRunner.Status, trailers);
    }

    /// <summary>The caller's deadline and cancellation go to the runner with the call.</summary>
    public static CallOptions Options(ServerCallContext context) =>
        new(deadline: context.Deadline == DateTime.MaxValue ? null : context.Deadline, cancellationToken: context.CancellationToken);
}
