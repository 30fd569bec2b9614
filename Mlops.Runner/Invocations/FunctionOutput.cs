using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Invocations;

/// <summary>What a function left in /mlops/output: its result.json and, when it refused its input, error.json.</summary>
public sealed record FunctionOutput(InvocationResult? Result, FunctionError? Error)
{
    /// <summary>For a container that was killed: nothing it left is read.</summary>
    public static readonly FunctionOutput None = new(null, null);

    public const string ResultFile = "result.json";
    public const string ErrorFile = "error.json";
    /// <summary>Results travel in gRPC messages and stay in history: they are meant to be small.</summary>
    public const long MaxResultBytes = 1024 * 1024;
    public const int MaxMessageLength = 4096;
    private const long MaxErrorBytes = 64 * 1024;

    // Each JSON level costs protobuf two (Value + Struct/ListValue) of its 100.
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 20 };

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
        var errorFile = await ReadObjectAsync(Path.Combine(outputDirectory, ErrorFile), MaxErrorBytes, cancellationToken);
        var resultFile = await ReadObjectAsync(Path.Combine(outputDirectory, ResultFile), MaxResultBytes, cancellationToken);

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
        if (message.Length > MaxMessageLength)
        {
            message = message[..MaxMessageLength] + "...";
        }

        return ReportableCodes.TryGetValue(code, out var kind)
            ? new FunctionError(kind, message)
            : new FunctionError(ErrorKind.FunctionFailed, message);
    }

    private static JsonObject Section(JsonObject obj, string name) => obj[name] as JsonObject is { } section ? (JsonObject)section.DeepClone() : [];

    /// <summary>The file's object, or what is wrong with it; neither when it does not exist.</summary>
    private static async Task<(JsonObject? Value, string? Problem)> ReadObjectAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = await UntrustedFile.ReadAllBytesAsync(path, maxBytes, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return (null, null);
        }
        catch (IOException ex)
        {
            return (null, ex.Message);
        }

        try
        {
            return JsonNode.Parse(content, documentOptions: Options) is JsonObject obj ? (obj, null) : (null, "must hold a JSON object");
        }
        catch (JsonException ex)
        {
            return (null, $"not valid JSON ({ex.Message})");
        }
    }
}

/// <summary>An error the function reported (error.json) or that its output shows.</summary>
public sealed record FunctionError(ErrorKind Kind, string Message);
