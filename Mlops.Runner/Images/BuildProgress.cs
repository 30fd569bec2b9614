using System.Text.RegularExpressions;
using Docker.DotNet.Models;

namespace Mlops.Runner.Images;

/// <summary>
/// Reads the engine's structured build messages synchronously, in order (Progress&lt;T&gt; would post them
/// to the thread pool and reorder them): output lines, the error, and the output of the step that failed.
/// </summary>
internal sealed partial class BuildProgress(Action<string> onLine) : IProgress<JSONMessage>
{
    private const int MaxStepLines = 60;

    private readonly LineBuffer _buffer = new();
    private readonly Queue<string> _stepOutput = new();

    public string? Error { get; private set; }

    /// <summary>The last lines of the step that was running when the build stopped.</summary>
    public IReadOnlyCollection<string> StepOutput => _stepOutput;

    public void Report(JSONMessage value)
    {
        if (!string.IsNullOrEmpty(value.Stream))
        {
            foreach (var line in _buffer.Append(AnsiEscape().Replace(value.Stream, "")))
            {
                Emit(line);
            }
        }

        if (!string.IsNullOrEmpty(value.ErrorMessage))
        {
            Flush();
            Error = value.ErrorMessage.Trim();
            onLine($"ERROR: {Error}");
        }
    }

    public void Flush()
    {
        if (_buffer.Flush() is { } last)
        {
            Emit(last);
        }
    }

    private void Emit(string line)
    {
        // The classic builder announces each instruction as "Step N/M : ...".
        if (line.StartsWith("Step ", StringComparison.Ordinal))
        {
            _stepOutput.Clear();
        }

        _stepOutput.Enqueue(line);
        if (_stepOutput.Count > MaxStepLines)
        {
            _stepOutput.Dequeue();
        }

        onLine(line);
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();
}
