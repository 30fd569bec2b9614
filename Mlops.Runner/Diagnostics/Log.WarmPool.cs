namespace Mlops.Runner.Diagnostics;

/// <summary>Warm pools of pre-started containers (issue 25): ids 450-469.</summary>
internal static partial class Log
{
    [LoggerMessage(450, LogLevel.Warning, "A pooled container of {Function} did not become ready ({Reason}); its pool pauses {PauseSeconds} s before the next")]
    public static partial void PoolFillFailed(this ILogger logger, Exception exception, string function, string reason, double pauseSeconds);

    [LoggerMessage(451, LogLevel.Information, "The pool of {Function} now runs image {Image}; containers of the old one are retired unclaimed")]
    public static partial void PoolImageChanged(this ILogger logger, string function, string image);

    [LoggerMessage(452, LogLevel.Debug, "Pool of {Function}: target {Target}, ready {Ready}, starting {Starting}")]
    public static partial void PoolSized(this ILogger logger, string function, int target, int ready, int starting);

    [LoggerMessage(453, LogLevel.Warning, "Retiring the pooled container {Slot} of {Function} failed")]
    public static partial void PoolRetireFailed(this ILogger logger, Exception exception, string function, string slot);
}
