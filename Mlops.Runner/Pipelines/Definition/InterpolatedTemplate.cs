using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// A string with references formatted into it: a string value as it is, any other value as its JSON text;
/// a null (or an input the run was not given) cannot be formatted and is InvalidArgument naming the field.
/// </summary>
/// <param name="parts">Literal text (a string) or a reference, in order.</param>
internal sealed class InterpolatedTemplate(JsonNode written, IReadOnlyList<object> parts) : PlanTemplate(written)
{
    public override IEnumerable<Reference> References => parts.OfType<Reference>();

    public override JsonNode? Resolve(RunScope scope, string field)
    {
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            if (part is not Reference reference)
            {
                text.Append((string)part);
                continue;
            }

            var value = reference.Resolve(scope, field)
                        ?? throw RunnerException.InvalidArgument(field, $"{reference.Text}: has no value to format into the string");
            text.Append(value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString());
        }

        return JsonValue.Create(text.ToString());
    }
}
