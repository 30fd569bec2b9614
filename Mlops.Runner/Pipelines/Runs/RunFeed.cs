namespace Mlops.Runner.Pipelines;

/// <summary>
/// One live run's events, kept so that a watcher who comes late gets them from the start and then follows live.
/// Bounded: past <see cref="MaxLogEvents"/> step log lines further ones are not kept (the invocations' logs have
/// them), and each line is cut at <see cref="MaxLineLength"/>; every other event is always kept.
/// </summary>
internal sealed class RunFeed
{
    public const int MaxLogEvents = 5_000;
    public const int MaxLineLength = 4_000;

    private readonly ReplayFeed<PipelineEvent> _feed = new();
    private int _logEvents;

    public void Add(PipelineEvent item)
    {
        if (item is StepLog log)
        {
            if (Interlocked.Increment(ref _logEvents) > MaxLogEvents)
            {
                return;
            }

            item = log with { Line = Bounded.Text(log.Line, MaxLineLength) };
        }

        _feed.Add(item);
    }

    /// <summary>No more events: readers end after the last one (a run stopped with the runner ends without its completion).</summary>
    public void End() => _feed.End();

    public IAsyncEnumerable<PipelineEvent> ReadAsync(CancellationToken cancellationToken) => _feed.ReadAsync(cancellationToken);
}
