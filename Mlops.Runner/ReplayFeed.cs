using System.Runtime.CompilerServices;

namespace Mlops.Runner;

/// <summary>
/// Events kept so that a reader who comes late gets them from the first and then follows live, until the feed ends.
/// What is kept is bounded by its owner: <see cref="Add"/> asks it, under the feed's lock, with the count kept so far.
/// </summary>
public sealed class ReplayFeed<T>
{
    private readonly Lock _sync = new();
    private readonly List<T> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the feed has ended.</summary>
    public Task Ended => _ended.Task;

    /// <param name="admit">Given how many events are kept, whether this one is kept too; null: always.</param>
    public void Add(T item, Func<int, bool>? admit = null)
    {
        TaskCompletionSource changed;
        lock (_sync)
        {
            if (admit is not null && !admit(_events.Count))
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

    /// <summary>Every event from the first, then each new one as it comes, until the feed ends.</summary>
    public async IAsyncEnumerable<T> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0;
        while (true)
        {
            T[] fresh;
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
