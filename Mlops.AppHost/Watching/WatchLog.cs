using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Mlops.AppHost.Watching;

/// <summary>The logs of the runner's watches as the dashboard mirrors them (event ids 460-469).</summary>
internal static partial class WatchLog
{
    [LoggerMessage(EventId = 460, Level = LogLevel.Information,
        Message = "The runner's watch of its {Subject} ended ({Status}: {Detail}); following it again in {Delay} ms")]
    public static partial void WatchEnded(ILogger logger, string subject, StatusCode status, string detail, double delay);

    [LoggerMessage(EventId = 461, Level = LogLevel.Information, Message = "Waiting for the runner to follow its {Subject}: {Reason}")]
    public static partial void RunnerDown(ILogger logger, string subject, string reason);

    [LoggerMessage(EventId = 462, Level = LogLevel.Information, Message = "Pipeline run {RunId} of {Pipeline} is shown as {Resource}")]
    public static partial void RunShown(ILogger logger, string runId, string pipeline, string resource);
}
