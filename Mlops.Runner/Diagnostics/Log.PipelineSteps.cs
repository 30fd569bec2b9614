namespace Mlops.Runner.Diagnostics;

/// <summary>Pipeline steps and their artifacts (issue 24): ids 430-449.</summary>
internal static partial class Log
{
    [LoggerMessage(430, LogLevel.Information, "Evicted the artifact {Digest} ({Bytes} bytes): the artifact store is over its budget (Pipelines:ArtifactsMb)")]
    public static partial void ArtifactEvicted(this ILogger logger, string digest, long bytes);

    [LoggerMessage(431, LogLevel.Warning, "The artifact folder {Folder} could not be removed now; the next start removes it")]
    public static partial void ArtifactNotRemoved(this ILogger logger, Exception exception, string folder);

    [LoggerMessage(432, LogLevel.Information, "Step {Step} of pipeline run {RunId}: stored the artifact {Name} as {Digest}")]
    public static partial void ArtifactStored(this ILogger logger, string runId, string step, string name, string digest);

    [LoggerMessage(433, LogLevel.Information, "Step {Step} of pipeline run {RunId}: {Alias} of {Model} {Decision} (version {Version}, before {Previous})")]
    public static partial void AliasDecided(this ILogger logger, string runId, string step, string alias, string model, string decision, int version, string previous);
}
