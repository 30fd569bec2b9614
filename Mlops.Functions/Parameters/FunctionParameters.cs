using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Functions.Parameters;

/// <summary>
/// The invocation's parameters from <c>params.json</c>, checked against function.json and with its defaults
/// filled in. A value that breaks the manifest is refused (<see cref="FunctionError.InvalidArgument"/>, naming
/// the parameter) before the function sees it, so function code holds no bounds of its own.
/// </summary>
public sealed class FunctionParameters
{
    private readonly JsonObject _values;
    private readonly HashSet<string> _declared;

    private FunctionParameters(JsonObject values, IEnumerable<string> declared)
    {
        _values = values;
        _declared = [.. declared];
    }

    /// <summary>Reads <paramref name="paramsFile"/> (none: no parameters given) and checks it against <paramref name="manifestFile"/>.</summary>
    /// <exception cref="FunctionError">A parameter breaks the manifest (INVALID_ARGUMENT; every problem is named).</exception>
    /// <exception cref="InvalidOperationException">The manifest is missing: the function was built without it.</exception>
    public static FunctionParameters Load(string paramsFile, string manifestFile)
    {
        var rules = ParameterManifest.Read(manifestFile);
        var given = File.Exists(paramsFile)
            ? JsonNode.Parse(File.ReadAllText(paramsFile)) as JsonObject ?? throw FunctionError.InvalidArgument("params.json must hold a JSON object")
            : [];
        var problems = given.Where(pair => rules.All(rule => rule.Name != pair.Key))
            .Select(pair => $"parameters.{pair.Key}: unknown parameter; expected one of: {string.Join(", ", rules.Select(r => r.Name))}")
            .ToList();
        var values = new JsonObject();
        foreach (var rule in rules)
        {
            var value = given[rule.Name] ?? rule.Default;
            if (value is null)
            {
                problems.AddRange(rule.Required ? [$"parameters.{rule.Name}: is required"] : []);
                continue;
            }

            if (rule.Problem(value) is { } problem)
            {
                problems.Add($"parameters.{rule.Name}{(problem.StartsWith('[') ? "" : ": ")}{problem}");
                continue;
            }

            values[rule.Name] = value.DeepClone();
        }

        return problems.Count == 0
            ? new FunctionParameters(values, rules.Select(r => r.Name))
            : throw FunctionError.InvalidArgument(string.Join("; ", problems));
    }

    /// <summary>Whether the caller gave the parameter or the manifest has a default for it.</summary>
    public bool Contains(string name) => Value(name) is not null;

    /// <summary>An integer parameter.</summary>
    public int GetInt32(string name) => checked((int)Integer(name));

    /// <summary>An integer parameter, or null when it was neither given nor has a default.</summary>
    public int? GetInt32OrNull(string name) => Contains(name) ? GetInt32(name) : null;

    /// <summary>A number parameter.</summary>
    public double GetDouble(string name) => Required(name).GetValue<double>();

    /// <summary>A string parameter.</summary>
    public string GetString(string name) => Required(name).GetValue<string>();

    /// <summary>A boolean parameter.</summary>
    public bool GetBoolean(string name) => Required(name).GetValueKind() == JsonValueKind.True;

    /// <summary>A parameter as JSON (for arrays, objects and <c>any</c>), or null when it was not given.</summary>
    public JsonNode? Get(string name) => Value(name)?.DeepClone();

    /// <summary>Every parameter with its value, as JSON (a copy: for <c>result.json</c>'s <c>params</c>).</summary>
    public JsonObject ToJson() => _values.DeepClone().AsObject();

    /// <summary>The value itself, not a copy, or null when undeclared or not given: for readers inside the SDK.</summary>
    internal JsonNode? Peek(string name) => _values[name];

    private long Integer(string name)
    {
        var value = Required(name).GetValue<double>();
        return Math.Floor(value) == value
            ? (long)value
            : throw new InvalidOperationException($"parameter '{name}' is {value.ToString(CultureInfo.InvariantCulture)}, not an integer: declare it as \"integer\" in function.json");
    }

    private JsonNode Required(string name) => Value(name) ?? throw FunctionError.InvalidArgument($"parameters.{name}: is required");

    private JsonNode? Value(string name) => _declared.Contains(name)
        ? _values[name]
        : throw new InvalidOperationException($"function.json declares no parameter '{name}'");
}
