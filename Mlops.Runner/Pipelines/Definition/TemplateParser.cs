using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// Reads a value of pipeline.json into a <see cref="PlanTemplate"/>: "${" opens a reference that "}" closes, "$${" is a
/// literal "${"; objects and arrays without references stay one literal.
/// </summary>
internal static class TemplateParser
{
    public static PlanTemplate Parse(JsonNode? node, string field)
    {
        switch (node)
        {
            case JsonObject obj:
                var properties = obj.Select(pair => KeyValuePair.Create(pair.Key, Parse(pair.Value, $"{field}.{pair.Key}"))).ToList();
                return properties.All(property => property.Value is LiteralTemplate)
                    ? new LiteralTemplate(obj, new JsonObject(properties.Select(p => KeyValuePair.Create(p.Key, ((LiteralTemplate)p.Value).Value))))
                    : new ObjectTemplate(obj, properties);
            case JsonArray array:
                var items = array.Select((item, index) => Parse(item, $"{field}[{index}]")).ToList();
                return items.All(item => item is LiteralTemplate)
                    ? new LiteralTemplate(array, new JsonArray(items.Select(item => ((LiteralTemplate)item).Value).ToArray()))
                    : new ArrayTemplate(array, items);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return ParseString(value, field);
            default:
                return new LiteralTemplate(node, node?.DeepClone());
        }
    }

    private static PlanTemplate ParseString(JsonValue written, string field)
    {
        var text = written.GetValue<string>();
        var parts = new List<object>();
        var literal = new System.Text.StringBuilder();
        var at = 0;
        while (at < text.Length)
        {
            if (string.CompareOrdinal(text, at, "$${", 0, 3) == 0)
            {
                literal.Append("${");
                at += 3;
                continue;
            }

            if (string.CompareOrdinal(text, at, "${", 0, 2) != 0)
            {
                literal.Append(text[at++]);
                continue;
            }

            var end = text.IndexOf('}', at + 2);
            if (end < 0)
            {
                throw RunnerException.InvalidArgument(field, $"'{text}': '${{' at {at} has no closing '}}' (write '$${{' for a literal '${{')");
            }

            if (literal.Length > 0)
            {
                parts.Add(literal.ToString());
                literal.Clear();
            }

            parts.Add(ReferenceParser.Parse(text[(at + 2)..end], field));
            at = end + 1;
        }

        if (literal.Length > 0)
        {
            parts.Add(literal.ToString());
        }

        return parts switch
        {
            [] => new LiteralTemplate(written, JsonValue.Create("")),
            [string only] => new LiteralTemplate(written, JsonValue.Create(only)),
            [Reference reference] => new ReferenceTemplate(written, reference),
            _ => new InterpolatedTemplate(written, parts),
        };
    }
}
