using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Runs;

/// <summary>Plans as the pipeline reader would make them, written short.</summary>
internal static class TestPlans
{
    public static PipelineDefinition Plan(string name, params StepDefinition[] steps) => Plan(name, cache: true, steps);

    public static PipelineDefinition Plan(string name, bool cache, params StepDefinition[] steps) =>
        new(name, "", [new PipelineInputSpec("seed", "integer", null, 42, false, "")], steps, cache, "sha256:" + new string('0', 64));

    public static StepDefinition Step(
        string id,
        IReadOnlyDictionary<string, ValueTemplate>? parameters = null,
        IReadOnlyDictionary<string, ValueTemplate>? artifacts = null,
        MapSpec? map = null,
        Condition? when = null,
        int retries = 0,
        TimeSpan? timeout = null,
        bool cache = true,
        string[]? after = null,
        string? action = null)
    {
        parameters ??= new Dictionary<string, ValueTemplate>();
        artifacts ??= new Dictionary<string, ValueTemplate>();
        var dependsOn = parameters.Values.Concat(artifacts.Values).SelectMany(t => t.Steps)
            .Concat(map?.Over.Steps ?? []).Concat(when?.Steps ?? []).Concat(after ?? []).Distinct().ToList();
        return new StepDefinition(id, action is null ? StepKind.Function : StepKind.Action, action is null ? "fn-" + id : null, action,
            parameters, artifacts, map, when, retries, timeout, cache, dependsOn);
    }

    public static Dictionary<string, ValueTemplate> Parameters(params (string Name, ValueTemplate Value)[] pairs) =>
        pairs.ToDictionary(pair => pair.Name, pair => pair.Value);

    public static MapSpec Map(JsonArray over, int concurrency = 4, double minSuccessRatio = 1) => new(new Literal(over), concurrency, minSuccessRatio);
}
