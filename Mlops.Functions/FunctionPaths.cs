namespace Mlops.Functions;

/// <summary>Where a function finds its input, leaves its output and reads its manifest, and, pre-started, waits for its invocation.</summary>
/// <param name="Input">The input folder: <c>params.json</c> and, when one was staged, <c>model/</c>.</param>
/// <param name="Output">The output folder: <c>result.json</c> or <c>error.json</c>, and <c>model/</c>.</param>
/// <param name="Manifest">The function's <c>function.json</c>, which the package copies next to the binary.</param>
/// <param name="Handover">
/// In a container the runner pre-started for its warm pool, the named pipe on which it hands the invocation over
/// (<c>MLOPS_HANDOVER</c>); null in a container started for one invocation.
/// </param>
public sealed record FunctionPaths(string Input, string Output, string Manifest, string? Handover = null)
{
    /// <summary>The container's folders (<c>MLOPS_INPUT_DIR</c> and <c>MLOPS_OUTPUT_DIR</c> override them for a run by hand).</summary>
    public static FunctionPaths FromEnvironment() => new(
        Environment.GetEnvironmentVariable("MLOPS_INPUT_DIR") ?? "/mlops/input",
        Environment.GetEnvironmentVariable("MLOPS_OUTPUT_DIR") ?? "/mlops/output",
        Path.Combine(AppContext.BaseDirectory, "function.json"),
        Environment.GetEnvironmentVariable("MLOPS_HANDOVER") is { Length: > 0 } handover ? handover : null);

    /// <summary>The staged model's folder as it is now: a pooled container's may arrive after its warm-up.</summary>
    internal string? InputModel()
    {
        var folder = Path.Combine(Input, "model");
        return Directory.Exists(folder) ? folder : null;
    }
}
