using System.Text.Json.Nodes;

namespace Mlops.Runner.Registry;

/// <summary>Records a training invocation in the tracker and the registry: a run, and for a success a model version.</summary>
public interface IRunRecorder
{
    /// <param name="modelDirectory">The runner's own copy of the model; the function's output is never read from here.</param>
    Task<RecordedTraining> RecordSuccessAsync(TrainingContext context, TrainingResult result, string modelDirectory, CancellationToken cancellationToken);

    Task<RecordedTraining> RecordFailureAsync(TrainingContext context, CancellationToken cancellationToken);
}

/// <summary>Context of one training invocation, for its run's tags.</summary>
/// <param name="LogPath">The invocation's log, kept with the run; empty when there is none (a pipeline's register step).</param>
public sealed record TrainingContext(string InvocationId, string Function, string ModelName, string? ImageId, DateTimeOffset StartedAt, JsonObject Parameters, string LogPath)
{
    /// <summary>More tags for the run (a pipeline's lineage).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>What a training function reported in its result.json.</summary>
public sealed record TrainingResult(JsonObject Metrics, JsonObject Params, JsonObject Data);

/// <summary>What an invocation of a model-producing function leaves in the registry.</summary>
/// <param name="PendingReason">Why it is not recorded yet (the registry is down), when it waits in the outbox.</param>
public sealed record RecordedTraining(string? RunId, ModelVersion? Version, string? PendingReason = null)
{
    private const string PendingKey = "registration";
    private const string PendingMessageKey = "registration_message";

    public static RecordedTraining Pending(string reason) => new(null, null, reason);

    /// <summary>What a user needs to find the run, and to ask predict for exactly this model; or why that comes later.</summary>
    public void DescribeIn(JsonObject data)
    {
        if (PendingReason is { } reason)
        {
            data[PendingKey] = "pending";
            data[PendingMessageKey] = $"{reason}; the run and the model are kept and will be recorded when the registry is back";
            return;
        }

        // Recorded after all (from the outbox): what said it was pending no longer holds.
        data.Remove(PendingKey);
        data.Remove(PendingMessageKey);
        data["run_id"] = RunId;
        if (Version is { } version)
        {
            data["model_name"] = version.Name;
            data["model_version"] = version.Version;
            data["model_uri"] = version.Uri;
        }
    }
}
