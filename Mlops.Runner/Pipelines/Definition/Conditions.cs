using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Pipelines;

/// <summary>The reader's conditions: each knows its operands, for the checks made before a run.</summary>
internal abstract class PlanCondition(string written) : Condition
{
    public abstract IReadOnlyList<PlanTemplate> Operands { get; }

    public IEnumerable<Reference> References => Operands.SelectMany(operand => operand.References);

    public override IEnumerable<string> Steps => Operands.SelectMany(operand => operand.Steps).Distinct();

    public override string ToString() => written;
}

/// <summary>A `when` of one operand, which must be a boolean.</summary>
internal sealed class BooleanCondition(string written, PlanTemplate operand) : PlanCondition(written)
{
    public override IReadOnlyList<PlanTemplate> Operands => [operand];

    public override bool Evaluate(RunScope scope, string field) => operand.Resolve(scope, field)?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw RunnerException.InvalidArgument(field, $"{operand} is {StrictJson.Describe(operand.Resolve(scope, field))}, not a boolean"),
    };
}

/// <summary>
/// A `when` comparing two operands: numbers as numbers (1 == 1.0), strings in ordinal order, anything else only
/// by == and != (equal JSON).
/// </summary>
internal sealed class ComparisonCondition(string written, PlanTemplate left, string op, PlanTemplate right) : PlanCondition(written)
{
    public static readonly string[] Operators = ["==", "!=", "<=", ">=", "<", ">"];

    public string Operator { get; } = op;

    public override IReadOnlyList<PlanTemplate> Operands => [left, right];

    public override bool Evaluate(RunScope scope, string field)
    {
        var a = left.Resolve(scope, field);
        var b = right.Resolve(scope, field);
        if (Kind(a) == JsonValueKind.Number && Kind(b) == JsonValueKind.Number)
        {
            return Holds(JsonNumbers.ToDouble(a!).CompareTo(JsonNumbers.ToDouble(b!)));
        }

        if (Operator is "==" or "!=")
        {
            return JsonNode.DeepEquals(a, b) == (Operator == "==");
        }

        if (Kind(a) == JsonValueKind.String && Kind(b) == JsonValueKind.String)
        {
            return Holds(string.CompareOrdinal(a!.GetValue<string>(), b!.GetValue<string>()));
        }

        throw RunnerException.InvalidArgument(field,
            $"'{this}': {StrictJson.Describe(a)} and {StrictJson.Describe(b)} cannot be ordered (only two numbers or two strings can)");
    }

    private bool Holds(int order) => Operator switch
    {
        "==" => order == 0,
        "!=" => order != 0,
        "<" => order < 0,
        "<=" => order <= 0,
        ">" => order > 0,
        _ => order >= 0,
    };

    private static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;
}
