using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Mlops.Runner.Endpoints;

/// <summary>
/// Fans endpoint changes out to every watcher. Each event carries the whole endpoint, so a watcher that
/// falls far behind loses only intermediate states, never the latest.
/// </summary>
public sealed class EndpointEvents
{
    private const int Backlog = 1024;

    private readonly Lock _sync = new();
    private readonly List<Channel<EndpointEvent>> _watchers = [];

    public void Publish(EndpointEvent change)
    {
        lock (_sync)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(change);
            }
        }
    }

    /// <summary>The snapshot first, then every change until the caller stops.</summary>
    public async IAsyncEnumerable<EndpointEvent> WatchAsync(Func<IReadOnlyList<EndpointView>> snapshot, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<EndpointEvent>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
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
