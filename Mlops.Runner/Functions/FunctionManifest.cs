namespace Mlops.Runner.Functions;

/// <summary>A function as declared by functions/&lt;name&gt;/function.json.</summary>
public sealed record FunctionManifest(
    string Name,
    string Directory,
    string Description,
    IReadOnlyList<ParameterSpec> Parameters,
    TimeSpan Timeout,
    int MemoryMb,
    double Cpus,
    ModelUsage Model)
{
    public const string FileName = "function.json";
}

/// <summary>Whether the function reads a model from /mlops/input/model and/or writes one to /mlops/output/model.</summary>
public sealed record ModelUsage(bool Consumes, bool Produces, string? DefaultName)
{
    public static readonly ModelUsage None = new(false, false, null);
}

/// <summary>A folder under functions/ and either its manifest or why it could not be read.</summary>
public sealed record FunctionEntry(string Name, FunctionManifest? Manifest, string? Error);
