namespace Mlops.Functions;

/// <summary>
/// Lines for the function's log: the runner collects stdout and stderr and shows them with the invocation
/// (and quotes the last stderr line when the function fails).
/// </summary>
public sealed class FunctionLog
{
    internal FunctionLog()
    {
    }

    /// <summary>A line of progress, to stdout.</summary>
    public void Info(string message) => Console.Out.WriteLine(message);

    /// <summary>A line about a problem, to stderr.</summary>
    public void Error(string message) => Console.Error.WriteLine(message);
}
