namespace Mlops.Runner.Endpoints;

/// <summary>
/// Why a replica that stopped says it stopped, from the tail of its output: its last line, unless that is a
/// stack trace's frame; then the exception's own line, which says more than where it was thrown.
/// </summary>
public static class LastWords
{
    public static string Of(IEnumerable<string> tail)
    {
        var lines = tail.Select(line => line.Trim()).Where(line => line.Length > 0).ToList();
        if (lines.Count == 0)
        {
            return "(no output)";
        }

        var last = lines[^1];
        return IsStackFrame(last)
            ? lines.LastOrDefault(line => line.Contains("Exception: ", StringComparison.Ordinal)) ?? last
            : last;
    }

    // .NET's frames ("at Type.Method() in file:line 3") and the marks between async parts ("--- End of ...").
    private static bool IsStackFrame(string line) =>
        line.StartsWith("at ", StringComparison.Ordinal) || line.StartsWith("--- ", StringComparison.Ordinal);
}
