using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Registry;

/// <summary>
/// A training invocation becomes a run in the experiment named after its function (params, metrics,
/// tags, and the model, result and log as artifacts) and, when it succeeded, the next version of its
/// registered model, whose folder gets an MLmodel file so that MLflow recognises it. A failed one becomes a
/// FAILED run and no version. Recording is done at most once per invocation: a run already tagged with the
/// invocation's id is taken up again (a crash between recording and leaving the outbox, say), and a version
/// already registered from it is the answer, never a second one.
/// </summary>
public sealed class RunRecorder(IModelRegistry registry, ModelDigests digests, TimeProvider time, ILogger<RunRecorder> logger) : IRunRecorder
{
    public const string ModelArtifactPath = "model";

    public async Task<RecordedTraining> RecordSuccessAsync(TrainingContext context, TrainingResult result, string modelDirectory, CancellationToken cancellationToken)
    {
        using var span = RunnerTelemetry.Source.StartActivity("registry record run");
        span?.SetTag(RunnerTelemetry.FaasInvocationId, context.InvocationId);
        span?.SetTag(RunnerTelemetry.ModelName, context.ModelName);
        span?.SetTag(RunnerTelemetry.RegistryBackend, registry.Backend);
        // Read before the run exists: a description the function got wrong leaves no run behind.
        var description = ModelDescription.Read(modelDirectory);
        var (run, earlier) = await StartAsync(context, result, cancellationToken);
        if (earlier && await RegisteredFromAsync(context.ModelName, run.Id, cancellationToken) is { } registered)
        {
            if (run.Status != RunStatus.Finished)
            {
                await TryFinishAsync(run.Id, RunStatus.Finished);
            }

            return new RecordedTraining(run.Id, registered);
        }

        ModelVersion? version = null;
        SortedDictionary<string, string> sums;
        try
        {
            foreach (var file in Directory.EnumerateFiles(modelDirectory, "*", SearchOption.AllDirectories))
            {
                await using var content = File.OpenRead(file);
                await registry.UploadArtifactAsync(run.Id, $"{ModelArtifactPath}/{Path.GetRelativePath(modelDirectory, file).Replace('\\', '/')}", content, cancellationToken);
            }

            sums = await ModelChecksums.ComputeAsync(modelDirectory, cancellationToken);
            if (!File.Exists(Path.Combine(modelDirectory, MlmodelFile.FileName)))
            {
                // Uploaded from memory, never written into the folder: a training kept in the outbox is recorded again
                // later as another run, and must not carry this run's file. Its sum goes with the others, so that a
                // download is checked whole. A function that wrote its own MLmodel (an MLflow library, say) keeps it.
                var mlmodel = Encoding.UTF8.GetBytes(MlmodelFile.Render(description, run.Id, ModelArtifactPath, Guid.NewGuid().ToString("N"), time.GetUtcNow()));
                await registry.UploadArtifactAsync(run.Id, $"{ModelArtifactPath}/{MlmodelFile.FileName}", new MemoryStream(mlmodel), cancellationToken);
                sums[MlmodelFile.FileName] = ModelChecksums.Of(mlmodel);
            }

            await registry.UploadArtifactAsync(run.Id, ModelChecksums.ArtifactPathFor(ModelArtifactPath), new MemoryStream(ModelChecksums.Serialize(sums)), cancellationToken);
            var resultJson = new JsonObject { ["metrics"] = result.Metrics.DeepClone(), ["params"] = result.Params.DeepClone(), ["data"] = result.Data.DeepClone() };
            await registry.UploadArtifactAsync(run.Id, "result.json", new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(resultJson, RunnerJson.Default.JsonObject)), cancellationToken);
            await UploadLogAsync(run.Id, context, cancellationToken);
            version = await registry.CreateModelVersionAsync(context.ModelName, run.Id, ModelArtifactPath, cancellationToken);
        }
        catch (Exception ex)
        {
            // Whatever stopped the recording, the run must not stay RUNNING; the caller hears of what stopped it.
            await TryFinishAsync(run.Id, ex is OperationCanceledException ? RunStatus.Killed : RunStatus.Failed);
            throw;
        }

        try
        {
            // What vouches for the version from now on, where the registry cannot change it.
            await digests.KeepAsync(version, sums, cancellationToken);
        }
        catch (IOException ex)
        {
            // The version is recorded all the same; its first download will vouch for it instead.
            logger.ModelDigestsNotKept(ex, version.Uri);
        }

        // The version exists now: recorded, whatever happens to the run's last step. A run the registry will not
        // finish now stays RUNNING, for the reconciliation at the next start, never a second version from the outbox.
        await TryFinishAsync(run.Id, RunStatus.Finished);
        span?.SetTag(RunnerTelemetry.RunId, run.Id);
        span?.SetTag(RunnerTelemetry.ModelVersion, version.Version);
        return new RecordedTraining(run.Id, version);
    }

    public async Task<RecordedTraining> RecordFailureAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        using var span = RunnerTelemetry.Source.StartActivity("registry record failed run");
        span?.SetTag(RunnerTelemetry.FaasInvocationId, context.InvocationId);
        span?.SetTag(RunnerTelemetry.RegistryBackend, registry.Backend);
        var (run, _) = await StartAsync(context, null, cancellationToken);
        try
        {
            await UploadLogAsync(run.Id, context, cancellationToken);
        }
        finally
        {
            await TryFinishAsync(run.Id, RunStatus.Failed);
        }

        return new RecordedTraining(run.Id, null);
    }

    /// <summary>
    /// Finishing a run on the way out of a failure: if the registry refuses this too (it is down, say), that is
    /// logged and the first failure is the one the caller gets. The run then stays RUNNING in the registry.
    /// </summary>
    private async Task TryFinishAsync(string runId, RunStatus status)
    {
        try
        {
            await registry.FinishRunAsync(runId, status, time.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception ex) when (ex is RunnerException or HttpRequestException or TaskCanceledException or IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            logger.RunNotFinished(ex, runId, status.ToString());
        }
    }

    /// <summary>The version an earlier recording of the same run registered, if one got that far.</summary>
    private async Task<ModelVersion?> RegisteredFromAsync(string model, string runId, CancellationToken cancellationToken)
    {
        try
        {
            return (await registry.ListVersionsAsync(model, cancellationToken)).FirstOrDefault(v => v.RunId == runId);
        }
        catch (RunnerException ex) when (ex.Kind == ErrorKind.NotFound)
        {
            return null;
        }
    }

    /// <summary>The invocation's run: the one an earlier recording of it created, or a new one.</summary>
    private async Task<(TrackedRun Run, bool Earlier)> StartAsync(TrainingContext context, TrainingResult? result, CancellationToken cancellationToken)
    {
        var tags = new Dictionary<string, string>
        {
            [RunTags.InvocationId] = context.InvocationId,
            [RunTags.Function] = context.Function,
            [RunTags.ModelName] = context.ModelName,
        };
        if (context.ImageId is not null)
        {
            tags[RunTags.ImageDigest] = context.ImageId;
        }

        foreach (var (key, value) in context.Tags ?? new Dictionary<string, string>())
        {
            tags[key] = value;
        }

        var earlier = await registry.FindRunsByTagAsync(context.Function, RunTags.InvocationId, context.InvocationId, cancellationToken);
        var run = earlier.Count > 0
            ? earlier[0]
            : await registry.CreateRunAsync(context.Function, $"{context.Function}-{context.InvocationId[..8]}", context.StartedAt, tags, cancellationToken);

        // What the function says it used wins over what was asked (it may add derived values).
        var parameters = Flatten(context.Parameters);
        foreach (var (key, value) in Flatten(result?.Params ?? []))
        {
            parameters[key] = value;
        }

        var metrics = (result?.Metrics ?? [])
            .Where(pair => pair.Value is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
            .ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<double>());
        await registry.LogAsync(run.Id, parameters, metrics, time.GetUtcNow(), cancellationToken);
        return (run, earlier.Count > 0);
    }

    private async Task UploadLogAsync(string runId, TrainingContext context, CancellationToken cancellationToken)
    {
        if (context.LogPath.Length == 0)
        {
            return;
        }

        // The log is still open for writing; a snapshot of it so far is what the run keeps.
        await using var log = new FileStream(context.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        await registry.UploadArtifactAsync(runId, "invocation.log", log, cancellationToken);
    }

    private static Dictionary<string, string> Flatten(JsonObject values) => values
        .Where(pair => pair.Value is not null)
        .ToDictionary(
            pair => pair.Key,
            pair => pair.Value is JsonValue value && value.GetValueKind() == JsonValueKind.String
                ? value.GetValue<string>()
                : pair.Value!.ToJsonString(),
            StringComparer.Ordinal);

    /// <summary>The tags every tracked run carries (MLflow tags, not telemetry attributes).</summary>
    public static class RunTags
    {
        public const string InvocationId = "mlops.invocation_id";
        public const string Function = "mlops.function";
        public const string ModelName = "mlops.model_name";
        public const string ImageDigest = "mlops.image_digest";
    }
}
