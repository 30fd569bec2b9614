using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Invocations;

/// <summary>What a function left in /mlops/output: its result.json and, when it refused its input, error.json.</summary>
public sealed record FunctionOutput(InvocationResult? Result, FunctionError? Error)
{
    public const string ResultFile = "result.json";
    public const string ErrorFile = "error.json";
    private const long MaxFileBytes = 32L * 1024 * 1024;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>Error codes a function may report, with the kind each maps to.</summary>
    private static readonly Dictionary<string, ErrorKind> ReportableCodes = new(StringComparer.Ordinal)
    {
        ["INVALID_ARGUMENT"] = ErrorKind.InvalidArgument,
        ["NOT_FOUND"] = ErrorKind.NotFound,
        ["FAILED_PRECONDITION"] = ErrorKind.FailedPrecondition,
        ["RESOURCE_EXHAUSTED"] = ErrorKind.ResourceExhausted,
    };

    public static async Task<FunctionOutput> ReadAsync(string outputDirectory, CancellationToken cancellationToken)
    {
        var errorFile = await ReadObjectAsync(Path.Combine(outputDirectory, ErrorFile), cancellationToken);
        var resultFile = await ReadObjectAsync(Path.Combine(outputDirectory, ResultFile), cancellationToken);

        var error = errorFile switch
        {
            { Value: { } obj } => ToError(obj),
            { Problem: { } problem } => new FunctionError(ErrorKind.FunctionFailed, $"{ErrorFile}: {problem}"),
            _ => resultFile.Problem is { } resultProblem ? new FunctionError(ErrorKind.FunctionFailed, $"{ResultFile}: {resultProblem}") : null,
        };

        var result = resultFile.Value is { } value
            ? new InvocationResult(Section(value, "metrics"), Section(value, "params"), Section(value, "data"))
            : null;
        return new FunctionOutput(result, error);
    }

    private static FunctionError ToError(JsonObject obj)
    {
        var code = obj["code"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : "";
        var message = obj["message"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : "the function reported an error without a message";
        return ReportableCodes.TryGetValue(code, out var kind)
            ? new FunctionError(kind, message)
            : new FunctionError(ErrorKind.FunctionFailed, message);
    }

    private static JsonObject Section(JsonObject obj, string name) => obj[name] as JsonObject is { } section ? (JsonObject)section.DeepClone() : [];

    /// <summary>The file's object, or what is wrong with it; neither when it does not exist.</summary>
    private static async Task<(JsonObject? Value, string? Problem)> ReadObjectAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return (null, null);
        }

        if (info.Length > MaxFileBytes)
        {
            return (null, $"larger than {MaxFileBytes / (1024 * 1024)} MiB");
        }

        try
        {
            await using var stream = info.OpenRead();
            var node = await JsonNode.ParseAsync(stream, documentOptions: Options, cancellationToken: cancellationToken);
            return node is JsonObject obj ? (obj, null) : (null, "must hold a JSON object");
        }
        catch (JsonException ex)
        {
            return (null, $"not valid JSON ({ex.Message})");
        }
    }
}

/// <summary>An error the function reported (error.json) or that its output shows.</summary>
public sealed record FunctionError(ErrorKind Kind, string Message);
