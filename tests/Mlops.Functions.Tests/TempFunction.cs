using System.Text.Json.Nodes;
using Mlops.Functions;

namespace Mlops.Functions.Tests;

/// <summary>
/// A function's folders in a temp directory: a manifest, params.json, an output folder, and for a pre-started
/// container the hand-over pipe; removed on dispose.
/// </summary>
internal sealed class TempFunction : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mlops-functions-tests-").FullName;

    public TempFunction(string? manifest = """{"parameters": {}}""", string? parameters = null, bool pooled = false)
    {
        Paths = new FunctionPaths(
            Path.Combine(_root, "input"),
            Path.Combine(_root, "output"),
            Path.Combine(_root, "function.json"),
            pooled ? Path.Combine(_root, "input", ".handover") : null);
        Directory.CreateDirectory(Paths.Input);
        if (Paths.Handover is not null)
        {
            Fifo.Make(Paths.Handover);
        }

        if (manifest is not null)
        {
            File.WriteAllText(Paths.Manifest, manifest);
        }

        if (parameters is not null)
        {
            File.WriteAllText(Path.Combine(Paths.Input, "params.json"), parameters);
        }
    }

    public FunctionPaths Paths { get; }

    public string Root => _root;

    public string Handover => Paths.Handover ?? throw new InvalidOperationException("not a pooled function");

    /// <summary>What the runner stages before it hands the invocation over.</summary>
    public void StageParameters(string parameters) => File.WriteAllText(Path.Combine(Paths.Input, "params.json"), parameters);

    public JsonObject? Output(string relativePath)
    {
        var path = Path.Combine(Paths.Output, relativePath);
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : null;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
