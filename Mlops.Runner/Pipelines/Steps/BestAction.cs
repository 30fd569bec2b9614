using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// `best`: the item of a map step with the best value of one metric (ties go to the lowest index). Its output is
/// the winner's result plus `item` and `score`; its artifacts, source and inputs are the winner's.
/// </summary>
public static class BestAction
{
    public static StepOutputs Pick(StepWork work)
    {
        var parameters = new ActionParameters(work);
        var from = parameters.String("from");
        var metric = parameters.String("metric");
        var maximize = ActionParameters.Maximizes(parameters.OptionalString("goal"), parameters.Field("goal"));
        var items = Items(work, from, parameters.Field("from"));

        (int Index, double Score, StepOutputs Outputs)? best = null;
        for (var index = 0; index < items.Count; index++)
        {
            if (items[index] is not { } item || Score(item, metric) is not { } score)
            {
                continue;
            }

            if (best is null || (maximize ? score > best.Value.Score : score < best.Value.Score))
            {
                best = (index, score, item);
            }
        }

        if (best is not { } winner)
        {
            throw RunnerException.FailedPrecondition($"steps.{work.Step.Id}: no item of '{from}' succeeded with a number at metrics.{metric}");
        }

        var result = winner.Outputs.Result.DeepClone().AsObject();
        result["item"] = winner.Index;
        result["score"] = winner.Score;
        return new StepOutputs(result, winner.Outputs.Artifacts)
        {
            Source = winner.Outputs.Source ?? $"{from}[{winner.Index}]",
            InputArtifacts = winner.Outputs.InputArtifacts,
        };
    }

    /// <summary>
    /// What the choice depends on besides the parameters: every item's result and artifacts. Without it, a map step
    /// that ran again with other outcomes would leave `best` answering from the cache.
    /// </summary>
    public static string Inputs(StepWork work)
    {
        var parameters = new ActionParameters(work);
        var items = Items(work, parameters.String("from"), parameters.Field("from"));
        var described = new JsonArray();
        foreach (var item in items)
        {
            described.Add((JsonNode?)(item is null ? null : new JsonObject
            {
                ["result"] = item.Result.DeepClone(),
                ["artifacts"] = new JsonObject(item.Artifacts.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))),
            }));
        }

        return CacheKey.Canonical(described);
    }

    private static IReadOnlyList<StepOutputs?> Items(StepWork work, string from, string field) =>
        work.Scope.Steps.TryGetValue(from, out var outputs)
            ? outputs.Items ?? throw RunnerException.InvalidArgument(field, $"'{from}' is not a map step")
            : throw RunnerException.InvalidArgument(field, $"'{from}' is not a step this one depends on, or it has not succeeded");

    private static double? Score(StepOutputs item, string metric) =>
        item.Result["metrics"] is JsonObject metrics && metrics[metric] is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>() : null;
}
