using System.Globalization;
using Mlops.Runner.Containers;

namespace Mlops.Runner.Invocations.Pooling;

/// <summary>
/// How a pooled function says it has finished, ahead of its exit (which the engine reports tens of milliseconds
/// later): the line <c>mlops-done &lt;nonce&gt; &lt;exit code&gt;</c> on stdout, then on stderr. Each stream is
/// ordered, so once both have carried it every line the function printed before has been read. The nonce came
/// with its hand-over and is known to no one else; the marker is taken out of the log, and it may end a line.
/// </summary>
internal sealed class DoneMarker(string nonce)
{
    private readonly string _prefix = $"mlops-done {nonce} ";
    private readonly bool[] _seen = new bool[2];

    /// <summary>The exit code the function announced, once the marker has come on both streams.</summary>
    public int? ExitCode { get; private set; }

    public bool IsComplete => _seen[0] && _seen[1] && ExitCode is not null;

    /// <summary>The line as the log should have it: unchanged, shortened by a marker that ended it, or null for a marker alone.</summary>
    public ContainerLogLine? Take(ContainerLogLine line)
    {
        var at = line.Line.LastIndexOf(_prefix, StringComparison.Ordinal);
        var code = at < 0 ? null : line.Line.AsSpan(at + _prefix.Length);
        if (at < 0 || code.Length is 0 or > 3 || !int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var exit))
        {
            return line;
        }

        _seen[(int)line.Stream] = true;
        // The first announcement stands: a function cannot change its code on the second stream.
        ExitCode ??= exit;
        return at == 0 ? null : line with { Line = line.Line[..at] };
    }
}
