using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>A step as read, before the plan's checks: its definition (DependsOn still empty) and its `after` list.</summary>
internal sealed record ReadStep(StepDefinition Definition, IReadOnlyList<string> After)
{
    public string Id => Definition.Id;

    public string Path => $"steps.{Id}";
}

/// <summary>Reads one entry of pipeline.json's "steps": its shape, bounds and templates, but not what they refer to.</summary>
internal static class StepReader
{
    public static readonly string[] Actions = ["best", "register", "alias", "deploy", "call"];

    private static readonly string[] Keys = ["function", "action", "parameters", "artifacts", "map", "when", "after", "retries", "timeoutSeconds", "cache"];
    private static readonly string[] MapKeys = ["over", "concurrency", "minSuccessRatio"];

    public static ReadStep Read(string id, JsonNode? node)
    {
        var path = $"steps.{id}";
        PlanNames.CheckId(id, path);
        var step = StrictJson.Object(node, path);
        StrictJson.RejectUnknownKeys(step, Keys, path);
        var function = StrictJson.OptionalString(step, "function", path);
        var action = StrictJson.OptionalString(step, "action", path);
        if ((function is null) == (action is null))
        {
            throw RunnerException.InvalidArgument(path, "needs exactly one of 'function' (a function to run) and 'action' (" + string.Join(", ", Actions) + ")");
        }

        if (function is not null)
        {
            Functions.FunctionName.Validate(function, $"{path}.function");
        }

        if (action is not null && !Actions.Contains(action))
        {
            throw RunnerException.InvalidArgument($"{path}.action", $"'{action}' is not one of {string.Join(", ", Actions)}");
        }

        var artifacts = Templates(step["artifacts"], $"{path}.artifacts");
        if (action is not null && artifacts.Count > 0)
        {
            throw RunnerException.InvalidArgument($"{path}.artifacts", "only a function step takes input artifacts");
        }

        foreach (var name in artifacts.Keys)
        {
            PlanNames.CheckArtifact(name, $"{path}.artifacts.{name}");
        }

        var map = Map(step["map"], $"{path}.map");
        if (action is not null && map is not null)
        {
            throw RunnerException.InvalidArgument($"{path}.map", "only a function step can be mapped over a list");
        }

        var definition = new StepDefinition(
            id,
            function is not null ? StepKind.Function : StepKind.Action,
            function,
            action,
            Templates(step["parameters"], $"{path}.parameters"),
            artifacts,
            map,
            step["when"] is { } when ? ConditionParser.Parse(when, $"{path}.when") : null,
            StrictJson.OptionalInteger(step, "retries", path, 0, 5) ?? 0,
            StrictJson.OptionalInteger(step, "timeoutSeconds", path, 1, 86_400) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            StrictJson.OptionalBoolean(step, "cache", path, true),
            []);
        return new ReadStep(definition, After(step["after"], $"{path}.after"));
    }

    private static Dictionary<string, ValueTemplate> Templates(JsonNode? node, string path) => node is null
        ? []
        : StrictJson.Object(node, path).ToDictionary(pair => pair.Key, pair => (ValueTemplate)TemplateParser.Parse(pair.Value, $"{path}.{pair.Key}"), StringComparer.Ordinal);

    private static MapSpec? Map(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }

        var map = StrictJson.Object(node, path);
        StrictJson.RejectUnknownKeys(map, MapKeys, path);
        var over = map["over"] is { } written ? TemplateParser.Parse(written, $"{path}.over") : throw RunnerException.InvalidArgument($"{path}.over", "is required: the list to map over");
        return new MapSpec(
            over,
            StrictJson.OptionalInteger(map, "concurrency", path, 1, 64) ?? 4,
            StrictJson.OptionalNumber(map, "minSuccessRatio", path, 0, 1) ?? 1.0);
    }

    private static List<string> After(JsonNode? node, string path) => node switch
    {
        null => [],
        JsonArray names => names.Select((name, index) => name is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw RunnerException.InvalidArgument($"{path}[{index}]", $"must be a step's id (got {StrictJson.Describe(name)})")).ToList(),
        _ => throw RunnerException.InvalidArgument(path, $"must be an array of step ids (got {StrictJson.Describe(node)})"),
    };
}
