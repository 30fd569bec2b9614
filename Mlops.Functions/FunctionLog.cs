namespace Mlops.Functions;

/// <summary>
/// Lines for the function's log: the runner collects stdout and stderr and shows them with the invocation
/// (and quotes the last stderr line when the function fails).
/// </summary>
public sealed class FunctionLog
{
    private readonly Lock _gate = new();
    private List<(bool Error, string Message)>? _held;

    internal FunctionLog()
    {
    }

    /// <summary>A line of progress, to stdout.</summary>
    public void Info(string message) => Write(error: false, message);

    /// <summary>A line about a problem, to stderr.</summary>
    public void Error(string message) => Write(error: true, message);

    /// <summary>
    /// A log whose lines wait for <see cref="Release"/>: a pooled container prints nothing before its invocation
    /// is handed over, so what its warm-up says is printed as the start of that invocation's log.
    /// </summary>
    internal static FunctionLog Held() => new() { _held = [] };

    /// <summary>Prints the lines held so far; the lines after are printed at once.</summary>
    internal void Release()
    {
        lock (_gate)
        {
            foreach (var (error, message) in _held ?? [])
            {
                Print(error, message);
            }

            _held = null;
        }
    }

    private void Write(bool error, string message)
    {
        lock (_gate)
        {
            if (_held is not null)
            {
                _held.Add((error, message));
                return;
            }
        }

        Print(error, message);
    }

    private static void Print(bool error, string message) => (error ? Console.Error : Console.Out).WriteLine(message);
}
