using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

internal enum ReferenceKind
{
    Input,
    Item,
    Result,
    Artifact,
}

/// <summary>
/// One "${...}" as parsed: ${inputs.&lt;name&gt;}, ${item} (or a field of it), ${steps.&lt;id&gt;.result[.&lt;path&gt;]}
/// or ${steps.&lt;id&gt;.artifacts.&lt;name&gt;}.
/// </summary>
/// <param name="Name">The input's name or the step's id; null for ${item}.</param>
/// <param name="Path">Fields below the value (a result's "metrics", "macro_f1"); an artifact's name.</param>
/// <param name="Text">As written, "${...}" included.</param>
internal sealed record Reference(ReferenceKind Kind, string? Name, IReadOnlyList<string> Path, string Text)
{
    public string? Step => Kind is ReferenceKind.Result or ReferenceKind.Artifact ? Name : null;

    /// <summary>
    /// The value in <paramref name="scope"/> (a copy); null for an input the run was not given, or a JSON null.
    /// Anything else absent is InvalidArgument naming <paramref name="field"/>.
    /// </summary>
    public JsonNode? Resolve(RunScope scope, string field)
    {
        switch (Kind)
        {
            case ReferenceKind.Input:
                return scope.Inputs[Name!]?.DeepClone();
            case ReferenceKind.Item:
                return Navigate(scope.Item ?? throw Missing(field, "there is no map element here"), "the map element", field);
            case ReferenceKind.Artifact:
                var artifacts = Outputs(scope, field).Artifacts;
                return artifacts.TryGetValue(Path[0], out var digest)
                    ? JsonValue.Create(digest)
                    : throw Missing(field, $"step '{Name}' left no artifact '{Path[0]}' (it left {Names(artifacts.Keys)})");
            default:
                return Navigate(Outputs(scope, field).Result, $"the result of step '{Name}'", field);
        }
    }

    private StepOutputs Outputs(RunScope scope, string field) =>
        scope.Steps.TryGetValue(Name!, out var outputs) ? outputs : throw Missing(field, $"step '{Name}' has no outputs (it has not succeeded)");

    private JsonNode? Navigate(JsonNode root, string what, string field)
    {
        var node = root;
        for (var i = 0; i < Path.Count; i++)
        {
            var segment = Path[i];
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(segment, out var child) => child,
                JsonArray array when int.TryParse(segment, out var index) && index >= 0 && index < array.Count => array[index],
                _ => throw Missing(field, $"{what} has no field '{string.Join('.', Path.Take(i + 1))}'"),
            };

            if (node is null && i < Path.Count - 1)
            {
                throw Missing(field, $"{what} has null at '{string.Join('.', Path.Take(i + 1))}'");
            }
        }

        return node?.DeepClone();
    }

    private RunnerException Missing(string field, string why) => RunnerException.InvalidArgument(field, $"{Text}: {why}");

    private static string Names(IEnumerable<string> names) => names.Any() ? string.Join(", ", names.Order(StringComparer.Ordinal)) : "none";

    public override string ToString() => Text;
}
