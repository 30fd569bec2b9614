namespace Mlops.Runner.Invocations;

/// <summary>
/// One running invocation's events, kept so that a watcher who comes late (WatchInvocation) gets them from the
/// start and then follows live. Bounded: past <see cref="MaxEvents"/> further log lines are not kept here (the
/// log file has every line), but the result and the end always are.
/// </summary>
public sealed class InvocationFeed
{
    public const int MaxEvents = 10_000;

    private readonly ReplayFeed<InvocationEvent> _feed = new();

    /// <summary>Completes when the invocation has ended (its completed event is in the feed).</summary>
    public Task Ended => _feed.Ended;

    public void Add(InvocationEvent item) =>
        _feed.Add(item, kept => kept < MaxEvents || item is not (InvocationLog or InvocationBuildLog));

    public void End() => _feed.End();

    /// <summary>Every event from the first, then each new one as it comes, until the invocation ends.</summary>
    public IAsyncEnumerable<InvocationEvent> ReadAsync(CancellationToken cancellationToken) => _feed.ReadAsync(cancellationToken);
}
