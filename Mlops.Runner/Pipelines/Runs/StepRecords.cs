using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>How step records begin, end, and become a scope's outputs again.</summary>
internal static class StepRecords
{
    public static StepRunRecord Pending(StepDefinition step, int? item = null, JsonNode? itemValue = null) => new(
        step.Id, item, itemValue, step.Function, step.Action, StepStatus.Pending, CacheKey: null, CacheHit: false, CacheSourceRun: null,
        InvocationId: null, Attempts: 0, Parameters: null, Result: null, Artifacts: new Dictionary<string, string>(),
        InputArtifacts: new Dictionary<string, string>(), ErrorCode: null, ErrorMessage: null, StartedAt: null, EndedAt: null, Items: []);

    public static StepRunRecord Ended(StepRunRecord record, StepStatus status, DateTimeOffset now, string? code = null, string? message = null) =>
        record with { Status = status, ErrorCode = code, ErrorMessage = message is null ? null : Bounded.Text(message), EndedAt = now };

    /// <summary>"train" or "train[2]".</summary>
    public static string Name(StepRunRecord record) => record.Item is { } item ? $"{record.Step}[{item}]" : record.Step;

    /// <summary>What a stored, succeeded step left, as its scope saw it (a resumed run rebuilds its scope so).</summary>
    /// <param name="map">The record is a map step's: its items' outputs are its own.</param>
    public static StepOutputs Outputs(StepRunRecord record, IReadOnlyDictionary<string, StepLineage> lineage, bool map = false)
    {
        var items = map ? record.Items.Select(item => item.Status == StepStatus.Succeeded ? Outputs(item, lineage) : null).ToList() : null;
        var source = lineage.TryGetValue(Name(record), out var found) ? found : null;
        return new StepOutputs(record.Result?.DeepClone().AsObject() ?? [], record.Artifacts, items)
        {
            Source = source?.Source ?? Name(record),
            InputArtifacts = source?.InputArtifacts ?? record.InputArtifacts,
        };
    }

    /// <summary>The outputs with where they come from filled in when the executor left it out.</summary>
    public static StepOutputs WithSource(StepOutputs outputs, StepWork work) => outputs.Source is null
        ? outputs with { Source = work.Name, InputArtifacts = work.InputArtifacts }
        : outputs;
}
