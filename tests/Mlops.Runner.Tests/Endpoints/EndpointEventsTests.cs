using Mlops.Runner.Endpoints;

namespace Mlops.Runner.Tests.Endpoints;

public sealed class EndpointEventsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static EndpointView View(string name) =>
        new(new EndpointSpec(name, "predict", "m", "latest", 1, 1, 0, 60, null, 0), EndpointState.Ready, null, [], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private static EndpointEvent Changed(string name) => new(View(name), Deleted: false, ReplicaId: null, Snapshot: false);

    [Fact]
    public async Task WatchAsync_WatcherFallsBehindTheBacklog_EndsWithOverflow_InsteadOfDroppingEvents()
    {
        var events = new EndpointEvents(backlog: 3);
        await using var watch = events.WatchAsync(() => [], CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(Bound));
        Assert.Null(watch.Current.Endpoint);

        // The deletion is the event that does not fit: a watcher that skipped it would route to "a" for ever.
        events.Publish(Changed("a"));
        events.Publish(Changed("b"));
        events.Publish(Changed("c"));
        events.Publish(new EndpointEvent(View("a"), Deleted: true, ReplicaId: null, Snapshot: false));

        var seen = new List<string>();
        var overflow = await Assert.ThrowsAsync<WatchOverflowException>(async () =>
        {
            while (await watch.MoveNextAsync().AsTask().WaitAsync(Bound))
            {
                seen.Add(watch.Current.Endpoint!.Spec.Name);
            }
        });
        Assert.Equal(["a", "b", "c"], seen);
        Assert.Contains("watch again", overflow.Message);
    }

    [Fact]
    public async Task WatchAsync_AfterAnOverflow_AWatchAgainStartsFromTheSnapshot_WithoutTheDeletedEndpoint()
    {
        var endpoints = new List<EndpointView> { View("a"), View("b") };
        var events = new EndpointEvents(backlog: 1);
        await using (var behind = events.WatchAsync(() => endpoints.ToList(), CancellationToken.None).GetAsyncEnumerator())
        {
            Assert.True(await behind.MoveNextAsync().AsTask().WaitAsync(Bound));
            events.Publish(Changed("b"));
            endpoints.RemoveAt(0);
            events.Publish(new EndpointEvent(View("a"), Deleted: true, ReplicaId: null, Snapshot: false));
        }

        var again = new List<EndpointEvent>();
        await foreach (var change in events.WatchAsync(() => endpoints.ToList(), CancellationToken.None))
        {
            again.Add(change);
            if (change.Endpoint is null)
            {
                break;
            }
        }

        Assert.Equal(["b"], again.Where(e => e.Endpoint is not null).Select(e => e.Endpoint!.Spec.Name));
        Assert.True(again[^1].Snapshot);
    }

    [Fact]
    public async Task Publish_AWatcherThatKeepsUp_GetsEveryEvent_WhileAnotherIsCutOff()
    {
        var events = new EndpointEvents(backlog: 2);
        using var stop = new CancellationTokenSource(Bound);
        await using var slow = events.WatchAsync(() => [], stop.Token).GetAsyncEnumerator();
        await using var keeping = events.WatchAsync(() => [], stop.Token).GetAsyncEnumerator();
        Assert.True(await slow.MoveNextAsync());
        Assert.True(await keeping.MoveNextAsync());

        var names = new List<string>();
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            events.Publish(Changed(name));
            Assert.True(await keeping.MoveNextAsync());
            names.Add(keeping.Current.Endpoint!.Spec.Name);
        }

        Assert.Equal(["a", "b", "c", "d"], names);
        Assert.True(await slow.MoveNextAsync());
        Assert.True(await slow.MoveNextAsync());
        await Assert.ThrowsAsync<WatchOverflowException>(async () => await slow.MoveNextAsync());
    }
}
