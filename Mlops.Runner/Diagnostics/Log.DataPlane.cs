namespace Mlops.Runner.Diagnostics;

/// <summary>The bounded data plane's records on the runner's side (ids 240-259).</summary>
internal static partial class Log
{
    [LoggerMessage(240, LogLevel.Warning, "Endpoint {Endpoint}: the data plane cut off replica {ReplicaId} ({Reason}); replacing it")]
    public static partial void ReplicaCut(this ILogger logger, string endpoint, string replicaId, string reason);

    [LoggerMessage(241, LogLevel.Warning, "An endpoint watcher fell {Backlog} events behind; its watch was ended so that it re-reads the snapshot")]
    public static partial void WatchOverflowed(this ILogger logger, int backlog);
}
