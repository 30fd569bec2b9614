namespace Mlops.Runner.Registry;

/// <summary>
/// Experiment tracking and a model registry, in MLflow's terms: runs (params, metrics, tags, artifact
/// files) in experiments, registered models whose versions point at a run's artifacts, and aliases.
/// Two implementations (embedded SQLite + files, and MLflow over REST) pass one contract-test suite.
/// Unknown things are <see cref="RunnerException"/> NotFound naming them; every call takes a token.
/// </summary>
public interface IModelRegistry
{
    /// <summary>"embedded" or "mlflow", for /debug and logs.</summary>
    string Backend { get; }

    Task<TrackedRun> CreateRunAsync(string experiment, string runName, DateTimeOffset startTime, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    Task LogAsync(string runId, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, double> metrics, DateTimeOffset time, CancellationToken cancellationToken);

    /// <summary>Stores one artifact file of a run at a '/'-separated relative path.</summary>
    Task UploadArtifactAsync(string runId, string path, Stream content, CancellationToken cancellationToken);

    /// <summary>Every artifact file of a run under <paramref name="directory"/> ("" for all), as relative paths.</summary>
    Task<IReadOnlyList<string>> ListArtifactsAsync(string runId, string directory, CancellationToken cancellationToken);

    Task DownloadArtifactAsync(string runId, string path, Stream destination, CancellationToken cancellationToken);

    Task FinishRunAsync(string runId, RunStatus status, DateTimeOffset endTime, CancellationToken cancellationToken);

    Task<TrackedRun> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// The runs of <paramref name="experiment"/> whose tag <paramref name="key"/> is exactly <paramref name="value"/> (at most a
    /// few), oldest first: how a training already recorded is found again, whatever its age.
    /// </summary>
    /// <param name="value">Letters, digits, '_', '.' and '-' only (MLflow's filters cannot escape a quote).</param>
    Task<IReadOnlyList<TrackedRun>> FindRunsByTagAsync(string experiment, string key, string value, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<TrackedRun>> ListRunsAsync(string? experiment, int max, CancellationToken cancellationToken);

    /// <summary>Registers the run's artifacts under <paramref name="artifactPath"/> as the model's next version (creating the model if needed).</summary>
    Task<ModelVersion> CreateModelVersionAsync(string model, string runId, string artifactPath, CancellationToken cancellationToken);

    Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken cancellationToken);

    Task<RegisteredModel> GetModelAsync(string model, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string model, CancellationToken cancellationToken);

    Task<ModelVersion> GetVersionAsync(string model, int version, CancellationToken cancellationToken);

    Task<ModelVersion> GetVersionByAliasAsync(string model, string alias, CancellationToken cancellationToken);

    Task SetAliasAsync(string model, string alias, int version, CancellationToken cancellationToken);

    Task DeleteAliasAsync(string model, string alias, CancellationToken cancellationToken);
}
