namespace Mlops.Functions;

/// <summary>
/// What a warm hook may use. It runs before an invocation exists (in a pre-started container, before the runner
/// hands one over), so there are no parameters, no output folder and no invocation id yet: only the model
/// staged so far, and the log.
/// </summary>
public sealed class WarmContext
{
    internal WarmContext(FunctionPaths paths, FunctionLog log)
    {
        InputModel = paths.InputModel();
        Log = log;
    }

    /// <summary>
    /// The folder of the model staged when the warm-up began, or null. The invocation may find one that arrived
    /// later, or another in its place: it reads <see cref="FunctionContext.InputModel"/>.
    /// </summary>
    public string? InputModel { get; }

    /// <summary>
    /// Lines for the log. In a pre-started container they are held, printed when an invocation is handed over
    /// (before its own lines), and dropped when the container is released unused.
    /// </summary>
    public FunctionLog Log { get; }
}
