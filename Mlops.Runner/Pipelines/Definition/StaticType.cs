using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// The type a template's value is known to have before the run: an input's declared type, the element type of a map
/// over a typed list, a string for text and digests. A step's result is not known until it has run.
/// </summary>
/// <param name="Source">What the type was learnt from, for the message: "${inputs.seed} is an integer".</param>
internal sealed record StaticType(ParameterType Type, ParameterType? Item, string Source)
{
    public static StaticType? Of(PlanTemplate template, StepDefinition step, IReadOnlyDictionary<string, PipelineInputSpec> inputs) => template switch
    {
        ReferenceTemplate { Reference: var reference } => OfReference(reference, step, inputs),
        InterpolatedTemplate => new StaticType(ParameterType.String, null, $"'{template}' is a string"),
        ObjectTemplate => new StaticType(ParameterType.Object, null, "it is an object"),
        ArrayTemplate => new StaticType(ParameterType.Array, null, "it is an array"),
        _ => null,
    };

    /// <summary>Null when <paramref name="wanted"/> can take a value of this type, else what is wrong.</summary>
    public string? Mismatch(ParameterType wanted, ParameterType? wantedItem)
    {
        if (!Fits(wanted, Type))
        {
            return $"must be {Describe(wanted)}; {Source}";
        }

        return Type == ParameterType.Array && wantedItem is { } item && Item is { } have && !Fits(item, have)
            ? $"must be an array of {Plural(item)}; {Source}"
            : null;
    }

    private static StaticType? OfReference(Reference reference, StepDefinition step, IReadOnlyDictionary<string, PipelineInputSpec> inputs)
    {
        switch (reference.Kind)
        {
            case ReferenceKind.Input:
                var input = inputs[reference.Name!];
                var type = InputReader.TypeOf(input.Type);
                var item = input.ItemType is { } itemType ? InputReader.TypeOf(itemType) : (ParameterType?)null;
                return new StaticType(type, item, $"{reference.Text} is {(item is { } i ? "an array of " + Plural(i) : Describe(type))}");
            case ReferenceKind.Item when reference.Path.Count == 0 && step.Map is { } map && ElementType(map.Over, inputs) is { } element:
                return new StaticType(element, null, $"{reference.Text} is {Describe(element)} (an element of {map.Over})");
            case ReferenceKind.Artifact:
                return new StaticType(ParameterType.String, null, $"{reference.Text} is a digest (a string)");
            default:
                return null;
        }
    }

    /// <summary>The element type of a map's list: a typed array input's, or the one type all of a literal list's elements share.</summary>
    private static ParameterType? ElementType(ValueTemplate over, IReadOnlyDictionary<string, PipelineInputSpec> inputs) => over switch
    {
        ReferenceTemplate { Reference: { Kind: ReferenceKind.Input } reference } when inputs[reference.Name!].ItemType is { } item => InputReader.TypeOf(item),
        LiteralTemplate { Value: JsonArray { Count: > 0 } list } => list.Select(KindOf).Distinct().ToList() switch
        {
            [{ } only] => only,
            [ParameterType.Integer, ParameterType.Number] or [ParameterType.Number, ParameterType.Integer] => ParameterType.Number,
            _ => null,
        },
        _ => null,
    };

    private static ParameterType? KindOf(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => ParameterType.String,
        JsonValueKind.True or JsonValueKind.False => ParameterType.Boolean,
        JsonValueKind.Number => Math.Floor(JsonNumbers.ToDouble(node!)) == JsonNumbers.ToDouble(node!) ? ParameterType.Integer : ParameterType.Number,
        JsonValueKind.Array => ParameterType.Array,
        JsonValueKind.Object => ParameterType.Object,
        _ => null,
    };

    private static bool Fits(ParameterType wanted, ParameterType have) =>
        wanted == ParameterType.Any || wanted == have || (wanted == ParameterType.Number && have == ParameterType.Integer);

    private static string Describe(ParameterType type) => type switch
    {
        ParameterType.Integer or ParameterType.Array or ParameterType.Object or ParameterType.Any => $"an {Name(type)}",
        _ => $"a {Name(type)}",
    };

    private static string Plural(ParameterType type) => Name(type) + "s";

    private static string Name(ParameterType type) => type.ToString().ToLowerInvariant();
}
