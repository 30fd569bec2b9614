using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>An action's resolved parameters, read by type; a wrong one is InvalidArgument naming "steps.&lt;id&gt;.parameters.&lt;name&gt;".</summary>
internal sealed class ActionParameters(StepWork work)
{
    public string Field(string name) => $"steps.{work.Step.Id}.parameters.{name}";

    public JsonNode Required(string name) => work.Parameters[name] ?? throw RunnerException.InvalidArgument(Field(name), "is required");

    public string String(string name) => OptionalString(name) ?? throw RunnerException.InvalidArgument(Field(name), "is required");

    public string? OptionalString(string name) => work.Parameters[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw RunnerException.InvalidArgument(Field(name), "must be a string"),
    };

    /// <summary>An integer, or a string of one (a version comes either way).</summary>
    public int Integer(string name, int? fallback, int minimum, int maximum)
    {
        var node = work.Parameters[name];
        if (node is null)
        {
            return fallback ?? throw RunnerException.InvalidArgument(Field(name), "is required");
        }

        var ok = node is JsonValue value && (value.GetValueKind() switch
        {
            JsonValueKind.Number => value.TryGetValue(out int number) ? Accept(number) : double.TryParse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out var real) && real == Math.Floor(real) && Accept((int)Math.Clamp(real, int.MinValue, int.MaxValue)),
            JsonValueKind.String => int.TryParse(value.GetValue<string>(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && Accept(parsed),
            _ => false,
        });
        return ok ? _integer : throw RunnerException.InvalidArgument(Field(name), $"must be an integer from {minimum} to {maximum}");

        bool Accept(int candidate)
        {
            _integer = candidate;
            return candidate >= minimum && candidate <= maximum;
        }
    }

    public JsonObject? OptionalObject(string name) => work.Parameters[name] switch
    {
        null => null,
        JsonObject obj => obj,
        _ => throw RunnerException.InvalidArgument(Field(name), "must be an object"),
    };

    /// <summary>"max" (the default) or "min": whether a larger value is better.</summary>
    public static bool Maximizes(string? goal, string field) => goal switch
    {
        null or "max" => true,
        "min" => false,
        _ => throw RunnerException.InvalidArgument(field, "must be \"max\" or \"min\""),
    };

    private int _integer;
}
