using System.Globalization;
using System.Text;

namespace Mlops.Runner.Invocations;

/// <summary>
/// The full log of one invocation at logs/&lt;function&gt;-&lt;id&gt;.log: build output, the container's
/// stdout and stderr, and the outcome, each line stamped with its time and source. Safe to write from
/// the log pump and the pipeline at once.
/// </summary>
public sealed class InvocationLogFile : IAsyncDisposable
{
    private readonly Lock _sync = new();
    private readonly StreamWriter _writer;

    private InvocationLogFile(string path)
    {
        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };
    }

    public string Path { get; }

    public static string PathFor(string logsDirectory, string function, string invocationId) =>
        System.IO.Path.Combine(logsDirectory, $"{function}-{invocationId}.log");

    public static InvocationLogFile Create(string logsDirectory, string function, string invocationId)
    {
        Directory.CreateDirectory(logsDirectory);
        return new InvocationLogFile(PathFor(logsDirectory, function, invocationId));
    }

    public void Write(DateTimeOffset time, string source, string line)
    {
        lock (_sync)
        {
            _writer.Write(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            _writer.Write(' ');
            _writer.Write(source);
            _writer.Write(" | ");
            _writer.WriteLine(line);
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_sync)
        {
            _writer.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
