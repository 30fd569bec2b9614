namespace Mlops.Gateway.Diagnostics;

/// <summary>The data plane's records (ids 240-259, the range of the bounded data plane).</summary>
internal static partial class Log
{
    [LoggerMessage(240, LogLevel.Warning, "Endpoint {Endpoint}: replica {ReplicaId} cut off: {Reason}")]
    public static partial void ReplicaCutOff(this ILogger logger, string endpoint, string replicaId, string reason);

    [LoggerMessage(241, LogLevel.Information, "The endpoint watch fell behind and was ended by the runner; watching again from the snapshot")]
    public static partial void WatchOverflowed(this ILogger logger);
}
