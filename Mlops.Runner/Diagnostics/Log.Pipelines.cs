namespace Mlops.Runner.Diagnostics;

// Ids 410-429: pipeline runs.
internal static partial class Log
{
    [LoggerMessage(410, LogLevel.Information, "Pipeline run {RunId} of {Pipeline} started")]
    public static partial void PipelineRunStarted(this ILogger logger, string runId, string pipeline);

    [LoggerMessage(411, LogLevel.Information, "Pipeline run {RunId} of {Pipeline} ended {Status}")]
    public static partial void PipelineRunEnded(this ILogger logger, string runId, string pipeline, string status);

    [LoggerMessage(412, LogLevel.Warning, "Pipeline run {RunId}: step {Step} failed on attempt {Attempt} ({Code}); it is tried again")]
    public static partial void PipelineStepRetrying(this ILogger logger, string runId, string step, int attempt, string code);

    [LoggerMessage(413, LogLevel.Error, "Pipeline run {RunId}: step {Step} failed unexpectedly")]
    public static partial void PipelineStepCrashed(this ILogger logger, Exception exception, string runId, string step);

    [LoggerMessage(414, LogLevel.Information, "Pipeline run {RunId} of {Pipeline} resumes after a runner restart ({Failed} running step(s) ended FAILED)")]
    public static partial void PipelineRunResumed(this ILogger logger, string runId, string pipeline, int failed);

    [LoggerMessage(415, LogLevel.Warning, "Pipeline run {RunId} of {Pipeline} cannot resume: {Error}")]
    public static partial void PipelineRunNotResumable(this ILogger logger, string runId, string pipeline, string error);

    [LoggerMessage(416, LogLevel.Information, "Pipeline run {RunId} stopped with the runner; it resumes when the runner starts again")]
    public static partial void PipelineRunStopped(this ILogger logger, string runId);

    [LoggerMessage(417, LogLevel.Error, "Pipeline run {RunId} failed unexpectedly")]
    public static partial void PipelineRunCrashed(this ILogger logger, Exception exception, string runId);
}
