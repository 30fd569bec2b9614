using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// Reads a `when`: "&lt;operand&gt; &lt;op&gt; &lt;operand&gt;" or one operand; an operand is exactly one reference or a JSON
/// literal (0.9, "x", true, null). The operator is the first one outside a reference and outside a quoted string.
/// </summary>
internal static class ConditionParser
{
    public static PlanCondition Parse(JsonNode? node, string field)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            throw RunnerException.InvalidArgument(field, $"must be a string: a condition (got {StrictJson.Describe(node)})");
        }

        var text = value.GetValue<string>();
        if (FindOperator(text) is not { } found)
        {
            return new BooleanCondition(text, Operand(text, field));
        }

        var (at, op) = found;
        return new ComparisonCondition(text, Operand(text[..at], field), op, Operand(text[(at + op.Length)..], field));
    }

    private static (int At, string Op)? FindOperator(string text)
    {
        var inReference = false;
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (inReference)
            {
                inReference = c != '}';
                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (c == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                inReference = true;
            }
            else if (ComparisonCondition.Operators.FirstOrDefault(op => string.CompareOrdinal(text, i, op, 0, op.Length) == 0) is { } op)
            {
                return (i, op);
            }
        }

        return null;
    }

    private static PlanTemplate Operand(string text, string field)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("${", StringComparison.Ordinal))
        {
            var operand = TemplateParser.Parse(JsonValue.Create(trimmed), field);
            return operand is ReferenceTemplate
                ? operand
                : throw RunnerException.InvalidArgument(field, $"'{trimmed}' is not one reference: an operand is one reference or a JSON literal");
        }

        JsonNode? literal;
        try
        {
            literal = JsonNode.Parse(trimmed);
        }
        catch (JsonException)
        {
            throw RunnerException.InvalidArgument(field,
                $"'{trimmed}' is neither a reference nor a JSON literal (a string is quoted: \"x\"); a condition is '<operand> <op> <operand>' with ==, !=, <, <=, >, >= or one boolean operand");
        }

        return literal is JsonObject or JsonArray
            ? throw RunnerException.InvalidArgument(field, $"'{trimmed}': an operand is a reference, a number, a string, true, false or null")
            : new LiteralTemplate(literal, literal);
    }
}
