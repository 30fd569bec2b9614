using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Mlops.Runner.Endpoints;

/// <summary>
/// Fans endpoint changes out to every watcher. A watcher that falls <see cref="Backlog"/> events behind is
/// cut off (its watch ends with <see cref="WatchOverflowException"/>) rather than skipped ahead: a dropped event
/// may be a deletion, so the watcher must watch again and re-read the snapshot.
/// </summary>
public sealed class EndpointEvents
{
    private readonly Lock _sync = new();
    private readonly List<Channel<EndpointEvent>> _watchers = [];

    public EndpointEvents()
        : this(1024)
    {
    }

    internal EndpointEvents(int backlog) => Backlog = backlog;

    /// <summary>Events a watcher may leave unread before it is cut off.</summary>
    public int Backlog { get; }

    public void Publish(EndpointEvent change)
    {
        lock (_sync)
        {
            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                if (!_watchers[i].Writer.TryWrite(change))
                {
                    _watchers[i].Writer.TryComplete(new WatchOverflowException(Backlog));
                    _watchers.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>The snapshot first, then every change until the caller stops, or until it falls too far behind.</summary>
    public async IAsyncEnumerable<EndpointEvent> WatchAsync(Func<IReadOnlyList<EndpointView>> snapshot, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<EndpointEvent>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        IReadOnlyList<EndpointView> now;
        lock (_sync)
        {
            // Subscribed and snapshotted under one lock: no change falls between the two.
            _watchers.Add(channel);
            now = snapshot();
        }

        try
        {
            foreach (var endpoint in now)
            {
                yield return new EndpointEvent(endpoint, Deleted: false, ReplicaId: null, Snapshot: true);
            }

            yield return EndpointEvent.SnapshotDone;

            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
            }
        }
        finally
        {
            lock (_sync)
            {
                _watchers.Remove(channel);
            }
        }
    }
}
