using System.Runtime.CompilerServices;

namespace Mlops.Runner.Invocations;

/// <summary>
/// One running invocation's events, kept so that a watcher who comes late (WatchInvocation) gets them from the
/// start and then follows live. Bounded: past <see cref="MaxEvents"/> further log lines are not kept here (the
/// log file has every line), but the result and the end always are.
/// </summary>
public sealed class InvocationFeed
{
    public const int MaxEvents = 10_000;

    private readonly Lock _sync = new();
    private readonly List<InvocationEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the invocation has ended (its completed event is in the feed).</summary>
    public Task Ended => _ended.Task;

    public void Add(InvocationEvent item)
    {
        TaskCompletionSource changed;
        lock (_sync)
        {
            if (_events.Count >= MaxEvents && item is InvocationLog or InvocationBuildLog)
            {
                return;
            }

            _events.Add(item);
            (changed, _changed) = (_changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        changed.TrySetResult();
    }

    public void End()
    {
        TaskCompletionSource changed;
        lock (_sync)
        {
            (changed, _changed) = (_changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        _ended.TrySetResult();
        changed.TrySetResult();
    }

    /// <summary>Every event from the first, then each new one as it comes, until the invocation ends.</summary>
    public async IAsyncEnumerable<InvocationEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0;
        while (true)
        {
            InvocationEvent[] fresh;
            Task changed;
            bool ended;
            lock (_sync)
            {
                fresh = _events.Skip(next).ToArray();
                next = _events.Count;
                changed = _changed.Task;
                ended = _ended.Task.IsCompleted;
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
