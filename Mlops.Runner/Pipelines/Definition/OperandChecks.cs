using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// What can be known of a `when` and a map's list before the run: a lone operand that cannot be a boolean, two
/// operands that can never compare (a string with a number), a list that is not one.
/// </summary>
internal static class OperandChecks
{
    public static void CheckWhen(ReadStep step, IReadOnlyDictionary<string, PipelineInputSpec> inputs)
    {
        var field = $"{step.Path}.when";
        switch (step.Definition.When)
        {
            case BooleanCondition { Operands: [var operand] } when TypeOf(operand, step, inputs) is { } type && type != ParameterType.Boolean:
                throw RunnerException.InvalidArgument(field, $"'{operand}' is not a boolean: a condition of one operand needs one (or compare it: x == y)");
            case ComparisonCondition { Operands: [var left, var right] } comparison
                when TypeOf(left, step, inputs) is { } a && TypeOf(right, step, inputs) is { } b && !Comparable(a, b, comparison.Operator):
                throw RunnerException.InvalidArgument(field, $"'{comparison}': {Name(a)} and {Name(b)} cannot be compared by {comparison.Operator}");
        }
    }

    public static void CheckOver(ReadStep step, IReadOnlyDictionary<string, PipelineInputSpec> inputs)
    {
        if (step.Definition.Map is not { Over: PlanTemplate over })
        {
            return;
        }

        var field = $"{step.Path}.map.over";
        if (over is LiteralTemplate literal && literal.Value is not JsonArray)
        {
            throw RunnerException.InvalidArgument(field, $"must be a list (got {StrictJson.Describe(literal.Value)})");
        }

        if (StaticType.Of(over, step.Definition, inputs)?.Mismatch(ParameterType.Array, null) is { } mismatch)
        {
            throw RunnerException.InvalidArgument(field, mismatch);
        }
    }

    private static ParameterType? TypeOf(PlanTemplate operand, ReadStep step, IReadOnlyDictionary<string, PipelineInputSpec> inputs) => operand switch
    {
        LiteralTemplate { Value: null } => null,
        LiteralTemplate { Value: var value } => value!.GetValueKind() switch
        {
            JsonValueKind.String => ParameterType.String,
            JsonValueKind.Number => ParameterType.Number,
            _ => ParameterType.Boolean,
        },
        _ => StaticType.Of(operand, step.Definition, inputs)?.Type,
    };

    private static bool Comparable(ParameterType a, ParameterType b, string op)
    {
        static ParameterType Widen(ParameterType type) => type == ParameterType.Integer ? ParameterType.Number : type;
        a = Widen(a);
        b = Widen(b);
        return op is "==" or "!=" ? a == b : a == b && a is ParameterType.Number or ParameterType.String;
    }

    private static string Name(ParameterType type) =>
        (type is ParameterType.Integer or ParameterType.Array or ParameterType.Object ? "an " : "a ") + type.ToString().ToLowerInvariant();
}
