using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Registry.Mlflow;

/// <summary>The registry kept by an MLflow tracking server: experiments by name, runs, the artifacts proxy, the model registry.</summary>
public sealed partial class MlflowRegistry(MlflowClient mlflow) : IModelRegistry
{
    // MLflow's limits per log-batch call.
    private const int ParamsPerBatch = 100;
    private const int MetricsPerBatch = 1000;

    /// <summary>The most files one listing may give: a server that lists without end must not walk the runner forever.</summary>
    private const int MaxListedFiles = 10_000;

    private readonly ConcurrentDictionary<string, string> _experimentNames = new(StringComparer.Ordinal);

    public string Backend => "mlflow";

    public async Task<TrackedRun> CreateRunAsync(
        string experiment, string runName, DateTimeOffset startTime, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var experimentId = await ExperimentIdAsync(experiment, cancellationToken);
        var created = await CallAsync(() => mlflow.PostAsync("runs/create", new JsonObject
        {
            ["experiment_id"] = experimentId,
            ["run_name"] = runName,
            ["start_time"] = startTime.ToUnixTimeMilliseconds(),
            ["tags"] = Pairs(tags),
        }, cancellationToken), "experiment", experiment);
        return await ToRunAsync(created["run"]!, cancellationToken);
    }

    public async Task LogAsync(
        string runId, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, double> metrics, DateTimeOffset time, CancellationToken cancellationToken)
    {
        var timestamp = time.ToUnixTimeMilliseconds();
        foreach (var batch in parameters.Chunk(ParamsPerBatch))
        {
            await CallAsync(() => mlflow.PostAsync("runs/log-batch", new JsonObject { ["run_id"] = runId, ["params"] = Pairs(batch) }, cancellationToken), "run", runId);
        }

        foreach (var batch in metrics.Chunk(MetricsPerBatch))
        {
            var entries = new JsonArray(batch.Select(m => (JsonNode)new JsonObject { ["key"] = m.Key, ["value"] = m.Value, ["timestamp"] = timestamp, ["step"] = 0 }).ToArray());
            await CallAsync(() => mlflow.PostAsync("runs/log-batch", new JsonObject { ["run_id"] = runId, ["metrics"] = entries }, cancellationToken), "run", runId);
        }
    }

    public async Task FinishRunAsync(string runId, RunStatus status, DateTimeOffset endTime, CancellationToken cancellationToken) =>
        await CallAsync(() => mlflow.PostAsync("runs/update", new JsonObject
        {
            ["run_id"] = runId,
            // Exact upper case: MLflow silently ignores any other spelling.
            ["status"] = status.ToString().ToUpperInvariant(),
            ["end_time"] = endTime.ToUnixTimeMilliseconds(),
        }, cancellationToken), "run", runId);

    public async Task<TrackedRun> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        var found = await CallAsync(() => mlflow.GetAsync($"runs/get?run_id={Uri.EscapeDataString(runId)}", cancellationToken), "run", runId);
        return await ToRunAsync(found["run"]!, cancellationToken);
    }

    public async Task<IReadOnlyList<TrackedRun>> ListRunsAsync(string? experiment, int max, CancellationToken cancellationToken)
    {
        string[] experimentIds;
        if (experiment is null)
        {
            var all = await CallAsync(() => mlflow.PostAsync("experiments/search", new JsonObject { ["max_results"] = 1000 }, cancellationToken), "experiments", "");
            experimentIds = (all["experiments"] as JsonArray ?? []).Select(e => e!["experiment_id"]!.GetValue<string>()).ToArray();
        }
        else
        {
            experimentIds = await TryExperimentIdAsync(experiment, cancellationToken) is { } id ? [id] : [];
        }

        if (experimentIds.Length == 0)
        {
            return [];
        }

        var found = await CallAsync(() => mlflow.PostAsync("runs/search", new JsonObject
        {
            ["experiment_ids"] = new JsonArray(experimentIds.Select(id => (JsonNode)id).ToArray()),
            ["max_results"] = max,
            ["order_by"] = new JsonArray("attributes.start_time DESC"),
        }, cancellationToken), "runs", "");
        var runs = new List<TrackedRun>();
        foreach (var run in found["runs"] as JsonArray ?? [])
        {
            runs.Add(await ToRunAsync(run!, cancellationToken));
        }

        return runs;
    }

    public async Task<IReadOnlyList<TrackedRun>> FindRunsByTagAsync(string experiment, string key, string value, CancellationToken cancellationToken)
    {
        if (await TryExperimentIdAsync(experiment, cancellationToken) is not { } experimentId)
        {
            return [];
        }

        // Backquotes around a key with dots; the value is checked to need no escaping.
        var found = await CallAsync(() => mlflow.PostAsync("runs/search", new JsonObject
        {
            ["experiment_ids"] = new JsonArray(experimentId),
            ["filter"] = $"tags.`{key.Replace("`", "", StringComparison.Ordinal)}` = '{RegistryNames.TagValue(value)}'",
            ["max_results"] = RegistryNames.MaxRunsByTag,
            ["order_by"] = new JsonArray("attributes.start_time ASC"),
        }, cancellationToken), "runs", "");
        var runs = new List<TrackedRun>();
        foreach (var run in found["runs"] as JsonArray ?? [])
        {
            runs.Add(await ToRunAsync(run!, cancellationToken));
        }

        return runs;
    }

    public async Task UploadArtifactAsync(string runId, string path, Stream content, CancellationToken cancellationToken)
    {
        var root = await ArtifactRootAsync(runId, cancellationToken);
        await CallAsync(async () =>
        {
            await mlflow.PutArtifactAsync($"{root}/{RegistryNames.ArtifactPath(path)}", content, cancellationToken);
            return new JsonObject();
        }, "run", runId);
    }

    public async Task<IReadOnlyList<string>> ListArtifactsAsync(string runId, string directory, CancellationToken cancellationToken)
    {
        var root = await ArtifactRootAsync(runId, cancellationToken);
        var files = new List<string>();
        var count = 0;
        var pending = new Queue<string>([directory.Length == 0 ? "" : RegistryNames.ArtifactPath(directory)]);
        while (pending.TryDequeue(out var folder))
        {
            var entries = await CallAsync(async () =>
            {
                var listed = await mlflow.ListArtifactsAsync(folder.Length == 0 ? root : $"{root}/{folder}", cancellationToken);
                return listed;
            }, "run", runId);
            foreach (var (name, isDirectory) in entries)
            {
                // A name MLflow lists becomes a local path: one plain segment, or the listing is refused.
                if (!RegistryNames.IsArtifactPath(name) || name.Contains('/') || ++count > MaxListedFiles)
                {
                    throw RunnerException.FailedPrecondition(count > MaxListedFiles
                        ? $"MLflow lists more than {MaxListedFiles} artifacts in run '{runId}'; refused"
                        : $"MLflow lists an artifact '{Bounded.Text(name, Bounded.NameLength)}' in run '{runId}' that is not a file name; refused");
                }

                var relative = folder.Length == 0 ? name : $"{folder}/{name}";
                if (isDirectory)
                {
                    pending.Enqueue(relative);
                }
                else
                {
                    files.Add(relative);
                }
            }
        }

        return files.Order(StringComparer.Ordinal).ToList();
    }

    public async Task DownloadArtifactAsync(string runId, string path, Stream destination, CancellationToken cancellationToken)
    {
        var root = await ArtifactRootAsync(runId, cancellationToken);
        var parent = path.Contains('/') ? path[..path.LastIndexOf('/')] : "";
        // A missing artifact is a 500 from MLflow, not a 404: look first.
        if (!(await ListArtifactsAsync(runId, parent, cancellationToken)).Contains(RegistryNames.ArtifactPath(path)))
        {
            throw RunnerException.NotFound($"run '{runId}' has no artifact '{path}'");
        }

        await CallAsync(async () =>
        {
            await mlflow.GetArtifactAsync($"{root}/{path}", destination, cancellationToken);
            return new JsonObject();
        }, "run", runId);
    }

    /// <summary>mlflow-artifacts:/1/abc/artifacts (or with //host:port) -> 1/abc/artifacts, the proxy's path.</summary>
    internal static string ArtifactProxyPath(string artifactUri)
    {
        const string Scheme = "mlflow-artifacts:";
        if (!artifactUri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            throw new RunnerException(ErrorKind.FailedPrecondition,
                $"the MLflow server stores artifacts at '{UriCredentials.Redact(artifactUri)}'; start it with --serve-artifacts so that the runner can reach them through its proxy");
        }

        var rest = artifactUri[Scheme.Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var slash = rest.IndexOf('/', 2);
            rest = slash < 0 ? "" : rest[slash..];
        }

        return rest.TrimStart('/').TrimEnd('/');
    }

    private async Task<string> ArtifactRootAsync(string runId, CancellationToken cancellationToken)
    {
        var found = await CallAsync(() => mlflow.GetAsync($"runs/get?run_id={Uri.EscapeDataString(runId)}", cancellationToken), "run", runId);
        return ArtifactProxyPath(found["run"]!["info"]!["artifact_uri"]!.GetValue<string>());
    }

    private async Task<string> ExperimentIdAsync(string experiment, CancellationToken cancellationToken)
    {
        if (await TryExperimentIdAsync(experiment, cancellationToken) is { } id)
        {
            return id;
        }

        try
        {
            var created = await mlflow.PostAsync("experiments/create", new JsonObject { ["name"] = experiment }, cancellationToken);
            return created["experiment_id"]!.GetValue<string>();
        }
        catch (MlflowException ex) when (ex.IsAlreadyThere)
        {
            // Another caller created it meanwhile.
            return await TryExperimentIdAsync(experiment, cancellationToken) ?? throw Translate(ex, "experiment", experiment);
        }
    }

    private async Task<string?> TryExperimentIdAsync(string experiment, CancellationToken cancellationToken)
    {
        try
        {
            var found = await mlflow.GetAsync($"experiments/get-by-name?experiment_name={Uri.EscapeDataString(experiment)}", cancellationToken);
            return found["experiment"]!["experiment_id"]!.GetValue<string>();
        }
        catch (MlflowException ex) when (ex.IsNotFound)
        {
            return null;
        }
        catch (MlflowException ex)
        {
            throw Translate(ex, "experiment", experiment);
        }
    }

    private async Task<string> ExperimentNameAsync(string experimentId, CancellationToken cancellationToken)
    {
        if (_experimentNames.TryGetValue(experimentId, out var name))
        {
            return name;
        }

        var found = await CallAsync(() => mlflow.GetAsync($"experiments/get?experiment_id={Uri.EscapeDataString(experimentId)}", cancellationToken), "experiment", experimentId);
        name = found["experiment"]!["name"]!.GetValue<string>();
        _experimentNames[experimentId] = name;
        return name;
    }

    private async Task<TrackedRun> ToRunAsync(JsonNode run, CancellationToken cancellationToken)
    {
        var info = run["info"]!;
        var data = run["data"];
        return new TrackedRun(
            info["run_id"]!.GetValue<string>(),
            await ExperimentNameAsync(info["experiment_id"]!.GetValue<string>(), cancellationToken),
            info["run_name"]?.GetValue<string>() ?? "",
            Enum.TryParse<RunStatus>(info["status"]?.GetValue<string>(), ignoreCase: true, out var status) ? status : RunStatus.Running,
            Time(info["start_time"]) ?? DateTimeOffset.UnixEpoch,
            Time(info["end_time"]),
            ToDictionary(data?["params"], v => v.GetValue<string>()),
            ToDictionary(data?["metrics"], Number),
            ToDictionary(data?["tags"], v => v.GetValue<string>()));
    }

    private static Dictionary<string, T> ToDictionary<T>(JsonNode? pairs, Func<JsonNode, T> value) =>
        (pairs as JsonArray ?? []).Where(p => p?["value"] is not null).ToDictionary(p => p!["key"]!.GetValue<string>(), p => value(p!["value"]!), StringComparer.Ordinal);

    /// <summary>Numbers come as JSON numbers, but non-finite ones as strings ("NaN", "Infinity").</summary>
    internal static double Number(JsonNode node) => node.GetValueKind() == JsonValueKind.String
        ? double.TryParse(node.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : double.NaN
        : node.GetValue<double>();

    internal static DateTimeOffset? Time(JsonNode? milliseconds) =>
        milliseconds is null ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)Number(milliseconds));

    private static JsonArray Pairs(IEnumerable<KeyValuePair<string, string>> pairs) =>
        new(pairs.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value }).ToArray());

    private static async Task<T> CallAsync<T>(Func<Task<T>> call, string thing, string name)
    {
        try
        {
            return await call();
        }
        catch (MlflowException ex)
        {
            throw Translate(ex, thing, name);
        }
    }

    private static RunnerException Translate(MlflowException ex, string thing, string name) => ex switch
    {
        { IsNotFound: true } => RunnerException.NotFound($"{thing} '{name}' does not exist in MLflow: {ex.Message}"),
        { IsInvalidParameter: true } => new RunnerException(ErrorKind.InvalidArgument, $"MLflow refused the request for {thing} '{name}': {ex.Message}"),
        _ => new RunnerException(ErrorKind.Unavailable, $"the MLflow server failed ({ex.ErrorCode}): {ex.Message}", inner: ex),
    };
}
