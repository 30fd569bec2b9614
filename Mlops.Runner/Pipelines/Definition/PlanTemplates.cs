using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>The reader's templates: each knows the references it holds, for the checks made before a run.</summary>
internal abstract class PlanTemplate(JsonNode? written) : ValueTemplate
{
    public abstract IEnumerable<Reference> References { get; }

    public override IEnumerable<string> Steps => References.Select(reference => reference.Step).OfType<string>().Distinct();

    public override string ToString() => written is JsonValue value && value.GetValueKind() == JsonValueKind.String
        ? value.GetValue<string>()
        : written?.ToJsonString() ?? "null";
}

/// <summary>A value with no reference in it.</summary>
internal sealed class LiteralTemplate(JsonNode? written, JsonNode? value) : PlanTemplate(written)
{
    public JsonNode? Value { get; } = value;

    public override IEnumerable<Reference> References => [];

    public override JsonNode? Resolve(RunScope scope, string field) => Value?.DeepClone();
}

/// <summary>A string that is exactly one reference: the referenced value, whatever its type.</summary>
internal sealed class ReferenceTemplate(JsonNode written, Reference reference) : PlanTemplate(written)
{
    public Reference Reference { get; } = reference;

    public override IEnumerable<Reference> References => [Reference];

    public override JsonNode? Resolve(RunScope scope, string field) => Reference.Resolve(scope, field);
}

/// <summary>An object whose values hold references; resolved key by key.</summary>
internal sealed class ObjectTemplate(JsonNode written, IReadOnlyList<KeyValuePair<string, PlanTemplate>> properties) : PlanTemplate(written)
{
    public override IEnumerable<Reference> References => properties.SelectMany(property => property.Value.References);

    public override JsonNode? Resolve(RunScope scope, string field) =>
        new JsonObject(properties.Select(property =>
            KeyValuePair.Create(property.Key, property.Value.Resolve(scope, $"{field}.{property.Key}"))));
}

/// <summary>An array whose elements hold references; resolved element by element.</summary>
internal sealed class ArrayTemplate(JsonNode written, IReadOnlyList<PlanTemplate> items) : PlanTemplate(written)
{
    public override IEnumerable<Reference> References => items.SelectMany(item => item.References);

    public override JsonNode? Resolve(RunScope scope, string field) =>
        new JsonArray(items.Select((item, index) => item.Resolve(scope, $"{field}[{index}]")).ToArray());
}
