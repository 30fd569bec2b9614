using System.Collections.Concurrent;

namespace Mlops.Runner.Invocations;

/// <summary>The feeds of the invocations running in this runner now, by id.</summary>
public sealed class InvocationFeeds
{
    private readonly ConcurrentDictionary<string, InvocationFeed> _feeds = new(StringComparer.Ordinal);

    public InvocationFeed Open(string id) => _feeds[id] = new InvocationFeed();

    public void Close(string id)
    {
        if (_feeds.TryRemove(id, out var feed))
        {
            feed.End();
        }
    }

    public InvocationFeed? Find(string id) => _feeds.TryGetValue(id, out var feed) ? feed : null;
}
