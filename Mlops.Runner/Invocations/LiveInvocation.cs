using System.Diagnostics;
using Mlops.Runner.Containers;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Images;

namespace Mlops.Runner.Invocations;

/// <summary>
/// One invocation while it runs: its record in history, its log file and its span. Every event it reports
/// passes through <see cref="Note"/>; <see cref="Finish"/> writes the outcome to all three, and disposing an
/// invocation that never finished (its caller went away) records it as cancelled.
/// </summary>
public sealed class LiveInvocation : IAsyncDisposable
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly InvocationLogFile _log;
    private readonly InvocationFeeds _feeds;
    private readonly InvocationFeed _feed;
    private readonly InvocationStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private InvocationOutcome? _outcome;
    private ImageReady? _image;

    internal LiveInvocation(
        InvocationRecord record, InvocationLogFile log, InvocationStore store, InvocationFeeds feeds, Activity? activity, TimeProvider time, ILogger logger)
    {
        _feeds = feeds;
        _feed = feeds.Open(record.Id);
        _log = log;
        _store = store;
        _time = time;
        _logger = logger;
        Activity = activity;
        Record = record;
    }

    public InvocationRecord Record { get; private set; }

    public string Id => Record.Id;

    public Activity? Activity { get; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>The image it runs, once resolved.</summary>
    public ImageReady Image => _image ?? throw new InvalidOperationException("the invocation's image is not resolved yet");

    /// <summary>The function's last non-blank stderr line: what a crash's error message quotes.</summary>
    public string? LastErrorLine { get; private set; }

    public InvocationEvent Note(InvocationEvent item)
    {
        _log.Write(item, _time.GetUtcNow());
        _feed.Add(item);
        if (item is InvocationLog { Stream: OutputStream.Stderr } line && !string.IsNullOrWhiteSpace(line.Line))
        {
            LastErrorLine = line.Line;
        }

        return item;
    }

    public void Update(Func<InvocationRecord, InvocationRecord> change)
    {
        Record = change(Record);
        _store.Put(Record);
    }

    /// <summary>The invocation has its image and runs from now on; <paramref name="queued"/> is how long it waited for a slot.</summary>
    public void ImageResolved(ImageReady image, TimeSpan queued)
    {
        _image = image;
        Activity?.SetTag(RunnerTelemetry.ContainerImageName, image.Tag);
        Update(record => record with
        {
            Status = InvocationStatus.Running,
            Image = image.Tag,
            Phases = record.Phases with { Queue = queued, Image = Elapsed - queued },
        });
    }

    /// <summary>
    /// Its container runs: a pre-started one from the function's pool (a warm start, handed the invocation in
    /// <paramref name="handover"/>), or one started for it (a cold start).
    /// </summary>
    public void Started(bool pooled, TimeSpan handover = default)
    {
        Activity?.SetTag(RunnerTelemetry.FaasColdstart, !pooled);
        if (pooled)
        {
            Update(record => record with { Pooled = true, Phases = record.Phases with { Handover = handover } });
        }
    }

    /// <summary>How it ended; the first verdict stands.</summary>
    public void Conclude(InvocationOutcome outcome) => _outcome ??= outcome;

    /// <summary>The error its caller gets once the completed event is out; null for a success.</summary>
    public RunnerException? Error => _outcome?.Error;

    /// <summary>Records the outcome in history, the log file, the metrics and the span.</summary>
    public InvocationCompleted Finish()
    {
        var outcome = _outcome ??= InvocationOutcome.Cancelled;
        var total = Elapsed;
        Update(record => record with
        {
            Status = outcome.Status,
            EndedAt = _time.GetUtcNow(),
            Phases = record.Phases with { Total = total },
            ErrorKind = outcome.Error?.Kind,
            ErrorMessage = outcome.Error?.Message,
        });
        var completed = new InvocationCompleted(Record);
        Note(completed);

        var outcomeTag = new KeyValuePair<string, object?>(RunnerTelemetry.Outcome, outcome.Status.ToString());
        var functionTag = new KeyValuePair<string, object?>(RunnerTelemetry.FaasName, Record.Function);
        RunnerTelemetry.Invocations.Add(1, functionTag, outcomeTag);
        RunnerTelemetry.InvocationDuration.Record(total.TotalSeconds, functionTag, outcomeTag);
        if (outcome.Error is { } error)
        {
            Activity.RecordError(error.Kind.ToString(), error);
        }

        _logger.InvocationFinished(Id, Record.Function, outcome.Status.ToString(), total.TotalSeconds);
        return completed;
    }

    /// <summary>A bug, not an outcome: history says so without details, the span and the log have them.</summary>
    public void Crash(Exception exception)
    {
        _logger.InvocationCrashed(exception, Id, Record.Function);
        Activity.RecordError(exception.GetType().Name, exception);
        Update(record => record with { Status = InvocationStatus.Failed, EndedAt = _time.GetUtcNow(), ErrorMessage = "the runner failed; see its log" });
    }

    public async ValueTask DisposeAsync()
    {
        if (!Record.IsFinished)
        {
            Finish();
        }

        await _log.DisposeAsync();
        _feeds.Close(Id);
    }
}
