using System.Threading.Channels;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// Who follows every run (WatchRuns): each gets each changed run record through a bounded channel. A watcher that
/// falls <see cref="Capacity"/> records behind is dropped with ResourceExhausted rather than held in memory.
/// </summary>
internal sealed class RunWatchers
{
    public const int Capacity = 1_000;

    private readonly Lock _sync = new();
    private readonly List<Channel<PipelineRunRecord>> _watchers = [];

    public Channel<PipelineRunRecord> Subscribe()
    {
        var channel = Channel.CreateBounded<PipelineRunRecord>(new BoundedChannelOptions(Capacity) { SingleReader = true });
        lock (_sync)
        {
            _watchers.Add(channel);
        }

        return channel;
    }

    public void Unsubscribe(Channel<PipelineRunRecord> channel)
    {
        lock (_sync)
        {
            _watchers.Remove(channel);
        }
    }

    /// <summary>Returns how many watchers were dropped for falling behind.</summary>
    public int Publish(PipelineRunRecord record)
    {
        var dropped = 0;
        lock (_sync)
        {
            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                if (!_watchers[i].Writer.TryWrite(record))
                {
                    _watchers[i].Writer.TryComplete(new RunnerException(ErrorKind.ResourceExhausted, "the watch fell too far behind the runs' changes; watch again"));
                    _watchers.RemoveAt(i);
                    dropped++;
                }
            }
        }

        return dropped;
    }
}
