using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Mlops.Runner.Containers;

namespace Mlops.Runner.Invocations;

/// <summary>
/// The full log of one invocation at logs/&lt;function&gt;-&lt;id&gt;.log: build output, the container's
/// stdout and stderr, and the outcome, each line stamped with its time and source. One writer: the
/// invocation's event stream, in order.
/// </summary>
public sealed class InvocationLogFile : IAsyncDisposable
{
    private const int ResultGlimpse = 4_000;

    private readonly StreamWriter _writer;

    private InvocationLogFile(string path)
    {
        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };
    }

    public string Path { get; }

    public static string PathFor(string logsDirectory, string function, string invocationId) =>
        System.IO.Path.Combine(logsDirectory, $"{function}-{invocationId}.log");

    public static InvocationLogFile Create(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return new InvocationLogFile(path);
    }

    /// <summary>One line for the event, stamped with its own time where it has one and <paramref name="now"/> otherwise.</summary>
    public void Write(InvocationEvent item, DateTimeOffset now)
    {
        switch (item)
        {
            case InvocationAccepted accepted:
                Write(accepted.Time, "runner", $"invocation {accepted.InvocationId} of {accepted.Function} accepted");
                break;
            case InvocationQueued queued:
                Write(now, "runner", $"queued at position {queued.Position}");
                break;
            case InvocationBuildLog line:
                Write(line.Time, "build", line.Line);
                break;
            case InvocationImageResolved image:
                Write(now, "runner", $"image {image.Image} ({(image.CacheHit ? "cached" : "built")})");
                break;
            case InvocationContainerStarted started:
                Write(now, "runner", $"container {started.ContainerId} started");
                break;
            case InvocationLog line:
                Write(line.Time, line.Stream == OutputStream.Stderr ? "stderr" : "stdout", line.Line);
                break;
            case InvocationResult result:
                // The result is kept whole in history; the log has a glimpse, so that it stays a log.
                var json = new JsonObject { ["metrics"] = result.Metrics.DeepClone(), ["params"] = result.Params.DeepClone(), ["data"] = result.Data.DeepClone() };
                Write(now, "runner", $"result {Bounded.Text(json.ToJsonString(), ResultGlimpse)}");
                break;
            case InvocationCompleted { Record: var record }:
                Write(record.EndedAt ?? now, "runner",
                    $"completed: {record.Status}, exit code {record.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}, {record.Phases.Total.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s" +
                    (record.ErrorMessage is null ? "" : $", {record.ErrorKind}: {record.ErrorMessage}"));
                break;
        }
    }

    private void Write(DateTimeOffset time, string source, string line)
    {
        _writer.Write(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        _writer.Write(' ');
        _writer.Write(source);
        _writer.Write(" | ");
        _writer.WriteLine(line);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
