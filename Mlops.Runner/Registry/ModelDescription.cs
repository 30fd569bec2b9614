using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mlops.Runner.Registry;

/// <summary>
/// What a training function says of its model in MLflow's terms, in &lt;model&gt;/mlflow.json: the flavors it can
/// be loaded as and the signature of its inputs and outputs. The function knows these and the runner does not;
/// the runner adds what only it knows (the run, the time) when it writes the MLmodel file. Optional: a model
/// without one is described with no flavor and no signature. Read strictly, like function.json.
/// </summary>
/// <param name="Flavors">flavor name -> its attributes (e.g. "mlnet" -> {"data": "model.zip", ...}).</param>
public sealed partial record ModelDescription(
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Flavors,
    ModelSignature? Signature)
{
    public const string FileName = "mlflow.json";

    private const int MaxBytes = 1024 * 1024;

    /// <summary>MLflow's column types (mlflow.types.DataType).</summary>
    public static readonly IReadOnlyList<string> ColumnTypes = ["boolean", "integer", "long", "float", "double", "string", "binary", "datetime"];

    public static readonly ModelDescription None = new(new Dictionary<string, IReadOnlyDictionary<string, string>>(), null);

    /// <summary>The description in <paramref name="modelDirectory"/>, or <see cref="None"/> when it has none.</summary>
    /// <exception cref="RunnerException">FunctionFailed, naming the file and what is wrong in it.</exception>
    public static ModelDescription Read(string modelDirectory)
    {
        var file = new FileInfo(Path.Combine(modelDirectory, FileName));
        if (!file.Exists)
        {
            return None;
        }

        return file.Length > MaxBytes
            ? throw Invalid($"larger than {MaxBytes} bytes")
            : Parse(File.ReadAllText(file.FullName));
    }

    public static ModelDescription Parse(string json)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 8 }) as JsonObject ?? throw Invalid("must hold a JSON object");
        }
        catch (JsonException ex)
        {
            throw Invalid($"not valid JSON: {ex.Message}");
        }

        RejectUnknownKeys(root, ["flavors", "signature"], "");
        return new ModelDescription(ReadFlavors(root["flavors"]), ReadSignature(root["signature"]));
    }

    private static Dictionary<string, IReadOnlyDictionary<string, string>> ReadFlavors(JsonNode? node)
    {
        var flavors = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (name, attributes) in Object(node, "flavors"))
        {
            Key(name, "flavors");
            flavors[name] = Object(attributes, $"flavors.{name}").ToDictionary(
                pair => Key(pair.Key, $"flavors.{name}"),
                pair => Text(pair.Value, $"flavors.{name}.{pair.Key}"),
                StringComparer.Ordinal);
        }

        return flavors;
    }

    private static ModelSignature? ReadSignature(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var signature = Object(node, "signature");
        RejectUnknownKeys(signature, ["inputs", "outputs"], "signature.");
        return new ModelSignature(Columns(signature["inputs"], "signature.inputs"), Columns(signature["outputs"], "signature.outputs"));
    }

    private static List<ModelColumn> Columns(JsonNode? node, string field)
    {
        if (node is not JsonArray { Count: > 0 } list)
        {
            throw Invalid($"{field}: must be a list of columns, each {{\"name\": ..., \"type\": ...}}");
        }

        var columns = new List<ModelColumn>();
        for (var i = 0; i < list.Count; i++)
        {
            var column = Object(list[i], $"{field}[{i}]");
            RejectUnknownKeys(column, ["name", "type"], $"{field}[{i}].");
            var name = Text(column["name"], $"{field}[{i}].name");
            var type = Text(column["type"], $"{field}[{i}].type");
            if (!ColumnTypes.Contains(type))
            {
                throw Invalid($"{field}[{i}].type: '{type}' is not an MLflow column type ({string.Join(", ", ColumnTypes)})");
            }

            if (columns.Any(c => c.Name == name))
            {
                throw Invalid($"{field}[{i}].name: '{name}' is named twice");
            }

            columns.Add(new ModelColumn(name, type));
        }

        return columns;
    }

    private static JsonObject Object(JsonNode? node, string field) =>
        node switch
        {
            null => [],
            JsonObject value => value,
            _ => throw Invalid($"{field}: must be an object"),
        };

    private static string Key(string key, string field) =>
        KeyPattern().IsMatch(key) ? key : throw Invalid($"{field}: '{key}' must be 1-64 lowercase letters, digits or '_', starting with a letter");

    /// <summary>Printable text: it goes into the MLmodel file as a YAML scalar.</summary>
    private static string Text(JsonNode? node, string field) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 and <= 1000 } text && MlmodelFile.IsPrintable(text)
            ? text
            : throw Invalid($"{field}: must be text of 1-1000 printable characters");

    private static void RejectUnknownKeys(JsonObject value, string[] known, string prefix)
    {
        if (value.Select(pair => pair.Key).FirstOrDefault(key => !known.Contains(key)) is { } unknown)
        {
            throw Invalid($"{prefix}{unknown}: unknown key (known: {string.Join(", ", known)})");
        }
    }

    private static RunnerException Invalid(string problem) =>
        new(ErrorKind.FunctionFailed, $"{ModelBinding.Folder}/{FileName}: {problem}");

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,63}\z")]
    private static partial Regex KeyPattern();
}

/// <summary>A model's inputs and outputs as MLflow's column-based schema.</summary>
public sealed record ModelSignature(IReadOnlyList<ModelColumn> Inputs, IReadOnlyList<ModelColumn> Outputs);

/// <param name="Type">One of <see cref="ModelDescription.ColumnTypes"/>.</param>
public sealed record ModelColumn(string Name, string Type);
