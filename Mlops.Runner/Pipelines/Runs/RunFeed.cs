using System.Runtime.CompilerServices;

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

    private readonly Lock _sync = new();
    private readonly List<PipelineEvent> _events = [];
    private int _logEvents;
    private bool _ended;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(PipelineEvent item)
    {
        if (item is StepLog log)
        {
            item = log with { Line = Bounded.Text(log.Line, MaxLineLength) };
        }

        TaskCompletionSource changed;
        lock (_sync)
        {
            if (_ended || (item is StepLog && ++_logEvents > MaxLogEvents))
            {
                return;
            }

            _events.Add(item);
            (changed, _changed) = (_changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        changed.TrySetResult();
    }

    /// <summary>No more events: readers end after the last one (a run stopped with the runner ends without its completion).</summary>
    public void End()
    {
        TaskCompletionSource changed;
        lock (_sync)
        {
            _ended = true;
            (changed, _changed) = (_changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        changed.TrySetResult();
    }

    public async IAsyncEnumerable<PipelineEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0;
        while (true)
        {
            PipelineEvent[] fresh;
            Task changed;
            bool ended;
            lock (_sync)
            {
                fresh = _events.Skip(next).ToArray();
                next = _events.Count;
                changed = _changed.Task;
                ended = _ended;
            }

            foreach (var item in fresh)
            {
                yield return item;
            }

            if (ended)
            {
                yield break;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }
}
