namespace Mlops.Runner.Diagnostics;

/// <summary>What the runner says of its peers (MLflow, callbacks' hosts); event ids 220-239.</summary>
internal static partial class Log
{
    [LoggerMessage(220, LogLevel.Warning, "The digests of {ModelUri} could not be kept; its first download will vouch for it instead")]
    public static partial void ModelDigestsNotKept(this ILogger logger, Exception exception, string modelUri);
}
