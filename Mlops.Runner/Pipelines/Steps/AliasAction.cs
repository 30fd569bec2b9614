using System.Text.Json.Nodes;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// `alias`: points an alias at a version; with `ifBetter`, only when the version's run beats the current holder's on
/// a metric (no holder, or a holder whose run lacks the metric: better; a tie: not better).
/// </summary>
public sealed class AliasAction(IModelRegistry registry, ILogger<AliasAction> logger)
{
    public async Task<StepOutputs> ExecuteAsync(StepWork work, CancellationToken cancellationToken)
    {
        var parameters = new ActionParameters(work);
        var name = RegistryNames.Model(parameters.String("name"), parameters.Field("name"));
        var alias = RegistryNames.Alias(parameters.String("alias"), parameters.Field("alias"));
        var version = parameters.Integer("version", fallback: null, 1, int.MaxValue);
        var condition = parameters.OptionalObject("ifBetter");
        var candidate = await registry.GetVersionAsync(name, version, cancellationToken);
        var holder = await HolderAsync(name, alias, cancellationToken);

        var changed = holder?.Version != version
            && (condition is null || holder is null || await IsBetterAsync(candidate, holder, condition, parameters.Field("ifBetter"), cancellationToken));
        if (changed)
        {
            await registry.SetAliasAsync(name, alias, version, cancellationToken);
        }

        var now = changed ? version : holder!.Version;
        logger.AliasDecided(work.RunId, work.Name, alias, name, changed ? "moved" : "kept", now, holder?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        var output = new JsonObject { ["alias"] = alias, ["version"] = now, ["previous"] = holder?.Version, ["changed"] = changed };
        return new StepOutputs(output, new Dictionary<string, string>()) { Source = work.Name };
    }

    private async Task<ModelVersion?> HolderAsync(string name, string alias, CancellationToken cancellationToken)
    {
        try
        {
            return await registry.GetVersionByAliasAsync(name, alias, cancellationToken);
        }
        catch (RunnerException ex) when (ex.Kind == ErrorKind.NotFound)
        {
            return null;
        }
    }

    private async Task<bool> IsBetterAsync(ModelVersion candidate, ModelVersion holder, JsonObject condition, string field, CancellationToken cancellationToken)
    {
        var metric = condition["metric"] is JsonValue value && value.TryGetValue(out string? text) && text.Length > 0
            ? text
            : throw RunnerException.InvalidArgument(field + ".metric", "is required: the metric the versions are compared by");
        var goal = condition["goal"] is null ? null : condition["goal"] is JsonValue g && g.TryGetValue(out string? goalText) ? goalText : "";
        var maximize = ActionParameters.Maximizes(goal, field + ".goal");
        var mine = (await registry.GetRunAsync(candidate.RunId, cancellationToken)).Metrics.TryGetValue(metric, out var score)
            ? score
            : throw RunnerException.FailedPrecondition($"{candidate.Uri}: its run has no metric '{metric}' to compare by");
        if (!(await registry.GetRunAsync(holder.RunId, cancellationToken)).Metrics.TryGetValue(metric, out var theirs))
        {
            return true;
        }

        return maximize ? mine > theirs : mine < theirs;
    }
}
