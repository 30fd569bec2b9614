namespace Mlops.Runner.Registry;

public enum RunStatus
{
    Running,
    Finished,
    Failed,
    Killed,
}

public sealed record TrackedRun(
    string Id,
    string Experiment,
    string Name,
    RunStatus Status,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Tags);

/// <param name="ArtifactPath">Where in the run's artifacts the model's files are.</param>
public sealed record ModelVersion(string Name, int Version, string RunId, string ArtifactPath, DateTimeOffset CreatedAt, IReadOnlyList<string> Aliases)
{
    public string Uri => $"models:/{Name}/{Version}";
}

public sealed record RegisteredModel(
    string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int LatestVersion, IReadOnlyDictionary<string, int> Aliases);
