using Grpc.Core;

namespace Mlops.Gateway.Forwarding;

/// <summary>Passes the runner's answer through unchanged: its status, its message, and its details (field violations).</summary>
internal static class Relay
{
    private static readonly HashSet<string> TransportKeys = ["grpc-status", "grpc-message", "content-type", "date", "server"];

    /// <summary>Details (field violations) above this are dropped rather than relayed: the runner bounds its own.</summary>
    private const int MaxTrailerBytes = 16 * 1024;

    public static RpcException Rethrow(RpcException fromRunner)
    {
        var trailers = new Metadata();
        foreach (var entry in fromRunner.Trailers.Where(entry => !TransportKeys.Contains(entry.Key) && (entry.IsBinary ? entry.ValueBytes.Length : entry.Value.Length) <= MaxTrailerBytes))
        {
            trailers.Add(entry);
        }

        return new RpcException(new Status(fromRunner.StatusCode, LostRunner(fromRunner) ?? Bounded.Text(fromRunner.Status.Detail)), trailers);
    }

    /// <summary>
    /// What to tell a caller when the gateway's own connection to the runner failed (a status the runner sent
    /// carries no exception; one the client made from a broken connection does), or null when the runner answered.
    /// The client's own wording names its internals, so it stays in the gateway's log.
    /// </summary>
    public static string? LostRunner(RpcException error) => error.Status.DebugException switch
    {
        _ when error.StatusCode != StatusCode.Unavailable => null,
        null => null,
        HttpRequestException => "the runner is not reachable",
        _ => "the connection to the runner was lost mid-answer (it may have stopped); GET /api/v1/invocations says how the invocation ended",
    };

    /// <summary>The caller's key, deadline and cancellation go to the runner with the call: the runner checks the key again.</summary>
    public static CallOptions Options(ServerCallContext context) =>
        new(CallerKey(context.GetHttpContext()), context.Deadline == DateTime.MaxValue ? null : context.Deadline, context.CancellationToken);

    /// <summary>The same for a REST route that calls the runner itself.</summary>
    public static CallOptions Options(HttpContext context, DateTime? deadline = null) =>
        new(CallerKey(context), deadline, context.RequestAborted);

    private static Metadata CallerKey(HttpContext context) =>
        context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? new Metadata { { "authorization", authorization } } : [];
}
