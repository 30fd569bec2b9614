using System.Text;

namespace Mlops.Functions.Tests;

/// <summary>
/// Console.Out and Console.Error captured as one transcript, in the order written, flushes included; the real
/// ones are put back on dispose. Only for tests in <see cref="ConsoleCollection"/>: the console is the process's.
/// </summary>
internal sealed class ConsoleTranscript : IDisposable
{
    public const string Flush = "(flush)";

    private readonly TextWriter _out = Console.Out;
    private readonly TextWriter _error = Console.Error;
    private readonly List<(string Stream, StringBuilder Text)> _entries = [];

    public ConsoleTranscript()
    {
        Console.SetOut(new Recorder(this, "out"));
        Console.SetError(new Recorder(this, "err"));
    }

    public string Stdout => Of("out");

    public string Stderr => Of("err");

    /// <summary>The last entries, each "out: text" or "err: (flush)": consecutive writes to one stream are one entry.</summary>
    public IReadOnlyList<string> Tail(int count)
    {
        lock (_entries)
        {
            return [.. _entries.TakeLast(count).Select(e => $"{e.Stream}: {e.Text}")];
        }
    }

    public void Dispose()
    {
        Console.SetOut(_out);
        Console.SetError(_error);
    }

    private string Of(string stream)
    {
        lock (_entries)
        {
            return string.Concat(_entries.Where(e => e.Stream == stream && e.Text.ToString() != Flush).Select(e => e.Text.ToString()));
        }
    }

    private void Add(string stream, string text, bool flush = false)
    {
        lock (_entries)
        {
            if (!flush && _entries is [.., var last] && last.Stream == stream && last.Text.ToString() != Flush)
            {
                last.Text.Append(text);
            }
            else
            {
                _entries.Add((stream, new StringBuilder(flush ? Flush : text)));
            }
        }
    }

    private sealed class Recorder(ConsoleTranscript transcript, string stream) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => transcript.Add(stream, value.ToString());

        public override void Write(string? value) => transcript.Add(stream, value ?? "");

        public override void Flush() => transcript.Add(stream, "", flush: true);
    }
}
