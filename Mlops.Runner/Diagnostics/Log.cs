namespace Mlops.Runner.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Building image {Image} for function {Function}")]
    public static partial void BuildStarted(this ILogger logger, string function, string image);

    [LoggerMessage(2, LogLevel.Information, "Built image {Image} for function {Function} in {Seconds:F1} s")]
    public static partial void BuildSucceeded(this ILogger logger, string function, string image, double seconds);

    [LoggerMessage(3, LogLevel.Warning, "Build of {Image} for function {Function} failed: {Error}")]
    public static partial void BuildFailed(this ILogger logger, string function, string image, string error);

    [LoggerMessage(4, LogLevel.Information, "Removed stale image {Image}")]
    public static partial void ImageRemoved(this ILogger logger, string image);

    [LoggerMessage(5, LogLevel.Warning, "Could not remove stale image {Image}")]
    public static partial void ImageRemoveFailed(this ILogger logger, Exception exception, string image);

    [LoggerMessage(6, LogLevel.Warning, "Pruning old images of function {Function} failed")]
    public static partial void PruneFailed(this ILogger logger, Exception exception, string function);

    [LoggerMessage(10, LogLevel.Information, "Invocation {InvocationId} of {Function} finished: {Status} in {Seconds:F2} s")]
    public static partial void InvocationFinished(this ILogger logger, string invocationId, string function, string status, double seconds);

    [LoggerMessage(11, LogLevel.Error, "Removing container {ContainerId} of {Owner} failed (attempt {Attempt})")]
    public static partial void TeardownFailed(this ILogger logger, Exception exception, string containerId, string owner, int attempt);

    [LoggerMessage(16, LogLevel.Error, "Killing container {ContainerId} of {Owner} failed (attempt {Attempt})")]
    public static partial void KillFailed(this ILogger logger, Exception exception, string containerId, string owner, int attempt);

    [LoggerMessage(23, LogLevel.Warning, "The container janitor could not reach the engine; it tries again at its next pass")]
    public static partial void JanitorSweepFailed(this ILogger logger, Exception exception);

    [LoggerMessage(12, LogLevel.Warning, "Killing container {ContainerId} of {Owner}: {Reason}")]
    public static partial void ContainerKilled(this ILogger logger, string containerId, string owner, string reason);

    [LoggerMessage(13, LogLevel.Warning, "Could not delete the workspace {Path}")]
    public static partial void WorkspaceCleanupFailed(this ILogger logger, Exception exception, string path);

    [LoggerMessage(14, LogLevel.Error, "Invocation {InvocationId} of {Function} failed in the runner")]
    public static partial void InvocationCrashed(this ILogger logger, Exception exception, string invocationId, string function);

    [LoggerMessage(15, LogLevel.Warning, "The output of the container of {Owner} ended with an error")]
    public static partial void LogStreamFailed(this ILogger logger, Exception exception, string owner);

    [LoggerMessage(20, LogLevel.Warning, "Removed {Count} container(s) left behind by an earlier run of runner instance {Instance}")]
    public static partial void OrphansRemoved(this ILogger logger, int count, string instance);

    [LoggerMessage(22, LogLevel.Warning, "Could not remove leftover container {ContainerId}")]
    public static partial void OrphanRemoveFailed(this ILogger logger, Exception exception, string containerId);

    [LoggerMessage(21, LogLevel.Information, "Docker engine {Version} at {EngineAddress}")]
    public static partial void EngineConnected(this ILogger logger, string version, string engineAddress);

    [LoggerMessage(30, LogLevel.Debug, "Replica {ReplicaId}: {Line}")]
    public static partial void ReplicaOutput(this ILogger logger, string replicaId, string line);

    [LoggerMessage(31, LogLevel.Information, "Endpoint {Endpoint}: replica {ReplicaId} is {State}{Reason}")]
    public static partial void ReplicaChanged(this ILogger logger, string endpoint, string replicaId, string state, string reason);

    [LoggerMessage(32, LogLevel.Warning, "Endpoint {Endpoint} cannot be reconciled: {Reason}")]
    public static partial void EndpointFailed(this ILogger logger, string endpoint, string reason);

    [LoggerMessage(40, LogLevel.Warning, "No admin key existed: one was written to {Path} (readable by this user only)")]
    public static partial void AdminKeyWritten(this ILogger logger, string path);

    [LoggerMessage(41, LogLevel.Warning, "Removed {Count} leftover(s) of a runner that stopped without cleaning up, under {DataPath}")]
    public static partial void CrashLeftoversRemoved(this ILogger logger, int count, string dataPath);

    [LoggerMessage(42, LogLevel.Warning, "Could not remove the leftover {Path}")]
    public static partial void CrashLeftoverKept(this ILogger logger, Exception exception, string path);

    [LoggerMessage(43, LogLevel.Warning, "Run {RunId} could not be marked {Status}; it stays RUNNING in the registry")]
    public static partial void RunNotFinished(this ILogger logger, Exception exception, string runId, string status);

    [LoggerMessage(44, LogLevel.Warning, "{Count} invocation(s) were still running when the runner stopped; history now says they failed")]
    public static partial void InterruptedInvocationsFailed(this ILogger logger, int count);

    [LoggerMessage(45, LogLevel.Error, "Invocation history could not keep {InvocationId} ({Status})")]
    public static partial void HistoryWriteFailed(this ILogger logger, Exception exception, string invocationId, string status);

    [LoggerMessage(46, LogLevel.Information, "Deleted {Count} invocation log(s) past their age or the size limit, in {Folder}")]
    public static partial void LogsDeleted(this ILogger logger, int count, string folder);

    [LoggerMessage(47, LogLevel.Warning, "Old invocation logs in {Folder} could not be deleted; the next pass tries again")]
    public static partial void LogRetentionFailed(this ILogger logger, Exception exception, string folder);

    [LoggerMessage(48, LogLevel.Information, "Evicted the cached model {Path} ({Bytes} bytes): the model cache is over its budget")]
    public static partial void CachedModelEvicted(this ILogger logger, string path, long bytes);

    [LoggerMessage(49, LogLevel.Warning, "Could not evict the cached model {Path}")]
    public static partial void CachedModelKept(this ILogger logger, Exception exception, string path);

    [LoggerMessage(50, LogLevel.Warning, "{Count} training(s) wait in the outbox for the registry: {Reason}")]
    public static partial void OutboxWaiting(this ILogger logger, int count, string reason);

    [LoggerMessage(51, LogLevel.Information, "The training of invocation {InvocationId} was recorded from the outbox: {Recorded}")]
    public static partial void OutboxDelivered(this ILogger logger, string invocationId, string recorded);

    [LoggerMessage(52, LogLevel.Error, "The registry refused the training of invocation {InvocationId} kept in the outbox; it is set aside in outbox/refused")]
    public static partial void OutboxEntryRefused(this ILogger logger, Exception exception, string invocationId);

    [LoggerMessage(53, LogLevel.Warning, "Run {RunId} of invocation {InvocationId} was left RUNNING by a runner that stopped; it is now {Status}")]
    public static partial void StaleRunFinished(this ILogger logger, string runId, string invocationId, string status);

    [LoggerMessage(55, LogLevel.Warning, "Run {RunId} was left RUNNING and could not be finished")]
    public static partial void StaleRunKept(this ILogger logger, Exception exception, string runId);

    [LoggerMessage(54, LogLevel.Error, "A pass of the outbox failed; the next one tries again")]
    public static partial void OutboxPassFailed(this ILogger logger, Exception exception);

    [LoggerMessage(24, LogLevel.Warning, "Starting without the Docker engine ({Reason}); invocations and endpoints wait for it, and health says Degraded until it answers")]
    public static partial void EngineUnreachableAtStart(this ILogger logger, string reason);

    [LoggerMessage(56, LogLevel.Warning, "Invocation history could not be pruned; the next finished invocation tries again")]
    public static partial void HistoryPruneFailed(this ILogger logger, Exception exception);

    [LoggerMessage(57, LogLevel.Warning, "The callback of invocation {InvocationId} at {Url} answered {Status}")]
    public static partial void CallbackRefused(this ILogger logger, string invocationId, string url, int status);

    [LoggerMessage(58, LogLevel.Warning, "The callback of invocation {InvocationId} at {Url} could not be delivered")]
    public static partial void CallbackFailed(this ILogger logger, Exception exception, string invocationId, string url);

    [LoggerMessage(59, LogLevel.Warning, "Queued invocation {InvocationId} of {Function} could not be started again after the restart: {Reason}")]
    public static partial void QueuedInvocationRefused(this ILogger logger, string invocationId, string function, string reason);
}
