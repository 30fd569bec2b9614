using Grpc.Core;
using Mlops.Cli.Output;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Pipelines;

/// <summary>
/// Tells a run's event feed (RunPipeline, WatchPipelineRun) one line per event as it happens: a step queued,
/// started (its key, attempt and invocation), taken from the cache (its key and the run that made it), its log
/// lines indented, and how it ended. The run as it ended is kept in <see cref="Run"/>.
/// </summary>
internal sealed class PipelineStory(IAnsiConsole console)
{
    private static readonly Style Dim = new(Color.Grey);
    private static readonly Style Stderr = new(Color.Yellow);

    /// <summary>The run's id once accepted, then the run as it ended.</summary>
    public PipelineRun Run { get; private set; } = new();

    /// <summary>True once the feed said how the run ended.</summary>
    public bool Ended { get; private set; }

    public async Task TellAsync(IAsyncStreamReader<PipelineEvent> events, CancellationToken cancellationToken)
    {
        await foreach (var item in events.ReadAllAsync(cancellationToken))
        {
            Tell(item);
        }
    }

    private void Tell(PipelineEvent item)
    {
        var step = StepLabel(item.Step, item.HasItem ? item.Item : null);
        switch (item.EventCase)
        {
            case PipelineEvent.EventOneofCase.Accepted:
                Run.Id = item.RunId;
                Run.Pipeline = item.Accepted.Pipeline;
                console.WriteLine($"run {item.RunId} of {item.Accepted.Pipeline}{(item.Accepted.Resumed ? " (resumed after a runner restart)" : "")}", Dim);
                break;
            case PipelineEvent.EventOneofCase.StepQueued:
                console.WriteLine($"{step} queued", Dim);
                break;
            case PipelineEvent.EventOneofCase.StepStarted:
                var started = item.StepStarted;
                var invocation = string.IsNullOrEmpty(started.InvocationId) ? "" : $", invocation {started.InvocationId}";
                console.WriteLine($"{step} started (key {Show.ShortId(started.CacheKey)}, attempt {started.Attempt}{invocation})");
                break;
            case PipelineEvent.EventOneofCase.StepLog:
                console.WriteLine($"    {item.StepLog.Line}", item.StepLog.Stream == LogStream.Stderr ? Stderr : Style.Plain);
                break;
            case PipelineEvent.EventOneofCase.StepCached:
                console.WriteLine($"{step} cached (key {Show.ShortId(item.StepCached.CacheKey)}, from run {item.StepCached.CacheSourceRun})");
                break;
            case PipelineEvent.EventOneofCase.StepCompleted:
                var ended = item.StepCompleted;
                console.WriteLine($"{step} {Completion(ended)}", new Style(ended.Status switch
                {
                    StepStatus.Succeeded => Color.Green,
                    StepStatus.Failed or StepStatus.Cancelled => Color.Red,
                    _ => Color.Grey,
                }));
                break;
            case PipelineEvent.EventOneofCase.Completed:
                Run = item.Completed;
                Ended = true;
                break;
        }
    }

    /// <summary>"train" or "train[2]" for a map step's item.</summary>
    public static string StepLabel(string step, int? item) => item is { } index ? $"{step}[{index}]" : step;

    /// <summary>"SUCCEEDED in 1.20 s (cache hit)", "FAILED in 3.00 s: INVALID_ARGUMENT: bad data".</summary>
    private static string Completion(StepRun step)
    {
        var text = Show.Enum(step.Status, "STEP_STATUS_");
        if (PipelineRunView.Duration(step.StartTime, step.EndTime) is { Length: > 0 } duration)
        {
            text += $" in {duration}";
        }

        if (step.CacheHit)
        {
            text += " (cache hit)";
        }

        return string.IsNullOrEmpty(step.ErrorCode) ? text : $"{text}: {step.ErrorCode}: {step.ErrorMessage}";
    }
}
