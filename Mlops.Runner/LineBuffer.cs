using System.Text;

namespace Mlops.Runner;

/// <summary>
/// Turns text arriving in arbitrary chunks into whole lines (\n or \r\n), keeping the partial tail.
/// A line longer than <paramref name="maxLineLength"/> is cut there, so output without newlines cannot grow without bound.
/// Lines come out with their control characters escaped (<see cref="Diagnostics.ControlCharacters"/>): they are
/// someone else's text (a function's output, a build's), bound for logs.
/// </summary>
public sealed class LineBuffer(int maxLineLength = 64 * 1024)
{
    private readonly StringBuilder _pending = new();

    public IEnumerable<string> Append(string chunk)
    {
        var lines = new List<string>();
        foreach (var c in chunk)
        {
            if (c == '\n')
            {
                lines.Add(TakePending());
            }
            else
            {
                _pending.Append(c);
                if (_pending.Length >= maxLineLength)
                {
                    lines.Add(TakePending());
                }
            }
        }

        return lines;
    }

    /// <summary>The last line when the text did not end with a newline.</summary>
    public string? Flush() => _pending.Length == 0 ? null : TakePending();

    private string TakePending()
    {
        var length = _pending.Length > 0 && _pending[^1] == '\r' ? _pending.Length - 1 : _pending.Length;
        var line = _pending.ToString(0, length);
        _pending.Clear();
        return Diagnostics.ControlCharacters.Escape(line);
    }
}
