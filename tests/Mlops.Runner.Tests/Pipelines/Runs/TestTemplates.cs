using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Runs;

/// <summary>A literal value.</summary>
internal sealed class Literal(JsonNode? value) : ValueTemplate
{
    public override IEnumerable<string> Steps => [];

    public override JsonNode? Resolve(RunScope scope, string field) => value?.DeepClone();

    public override string ToString() => value?.ToJsonString() ?? "null";
}

/// <summary>One reference, "inputs.x", "item", "steps.a.result.metrics.f1" or "steps.a.artifacts.model": just enough of the real syntax.</summary>
internal sealed class Reference(string path) : ValueTemplate
{
    public override IEnumerable<string> Steps => path.StartsWith("steps.", StringComparison.Ordinal) ? [path.Split('.')[1]] : [];

    public override JsonNode? Resolve(RunScope scope, string field)
    {
        var parts = path.Split('.');
        return parts[0] switch
        {
            "item" => scope.Item,
            "inputs" => scope.Inputs.TryGetPropertyValue(parts[1], out var input) ? input : throw Missing(field),
            "steps" when scope.Steps.TryGetValue(parts[1], out var outputs) => parts[2] switch
            {
                "artifacts" => outputs.Artifacts.TryGetValue(parts[3], out var digest) ? JsonValue.Create(digest) : throw Missing(field),
                _ => parts.Skip(3).Aggregate((JsonNode?)outputs.Result, (node, part) => node?[part]) ?? throw Missing(field),
            },
            _ => throw Missing(field),
        };
    }

    public override string ToString() => "${" + path + "}";

    private RunnerException Missing(string field) => RunnerException.InvalidArgument(field, $"{this} is not there");
}

internal sealed class TestCondition(Func<RunScope, bool> evaluate, params string[] steps) : Condition
{
    public override IEnumerable<string> Steps => steps;

    public override bool Evaluate(RunScope scope, string field) => evaluate(scope);

    public override string ToString() => "test condition";
}
