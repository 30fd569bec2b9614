using Grpc.Core;

namespace Mlops.Gateway.Diagnostics;

/// <summary>The data plane's calls to the control plane (ids 290-299, the gateway's).</summary>
internal static partial class Log
{
    [LoggerMessage(290, LogLevel.Warning, "The endpoint watch stream ended ({Status}); reconnecting in {DelayMilliseconds} ms")]
    public static partial void WatchEnded(this ILogger logger, StatusCode status, double delayMilliseconds);

    // The level is the caller's: a runner restarting is routine (Debug), a refused key means scaling has stopped (Warning).
    [LoggerMessage(EventId = 291, Message = "Load report not delivered ({Status}: {Detail}); the next one carries the same")]
    public static partial void LoadReportNotDelivered(this ILogger logger, LogLevel level, StatusCode status, string detail);
}
