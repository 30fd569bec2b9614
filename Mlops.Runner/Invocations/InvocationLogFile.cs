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
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private readonly StreamWriter _writer;

    private InvocationLogFile(string path, bool append)
    {
        Path = path;
        var mode = append ? FileMode.Append : FileMode.CreateNew;
        _writer = new StreamWriter(new FileStream(path, mode, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };
    }

    public string Path { get; }

    public static string PathFor(string logsDirectory, string function, string invocationId) =>
        System.IO.Path.Combine(logsDirectory, $"{function}-{invocationId}.log");

    /// <param name="append">An invocation that runs again after a restart goes on in its own log.</param>
    public static InvocationLogFile Open(string path, bool append)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return new InvocationLogFile(path, append);
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

    /// <summary>A line this file wrote, back as the build or container output event it was; null for the runner's own lines.</summary>
    public static InvocationEvent? Parse(string line)
    {
        // yyyy-MM-ddTHH:mm:ss.fffZ source | text
        var bar = line.IndexOf(" | ", StringComparison.Ordinal);
        var space = line.IndexOf(' ');
        if (bar < 0 || space < 0 || space > bar ||
            !DateTimeOffset.TryParseExact(line[..space], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return null;
        }

        var text = line[(bar + 3)..];
        return line[(space + 1)..bar] switch
        {
            "stdout" => new InvocationLog(OutputStream.Stdout, text, time),
            "stderr" => new InvocationLog(OutputStream.Stderr, text, time),
            "build" => new InvocationBuildLog(text, time),
            "runner" => ParseRunnerLine(text),
            _ => null,
        };
    }

    /// <summary>The image and container lines this file writes for the runner; its other lines have their events elsewhere.</summary>
    private static InvocationEvent? ParseRunnerLine(string text)
    {
        var words = text.Split(' ');
        return words switch
        {
            ["image", var image, "(cached)"] => new InvocationImageResolved(image, CacheHit: true),
            ["image", var image, "(built)"] => new InvocationImageResolved(image, CacheHit: false),
            ["container", var id, "started"] => new InvocationContainerStarted(id),
            _ => null,
        };
    }

    private void Write(DateTimeOffset time, string source, string line)
    {
        _writer.Write(time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        _writer.Write(' ');
        _writer.Write(source);
        _writer.Write(" | ");
        _writer.WriteLine(line);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
