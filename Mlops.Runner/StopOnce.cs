namespace Mlops.Runner;

/// <summary>
/// A hosted service's teardown, made once and awaited by every caller. A host can be stopped twice at once (a test
/// host's stop racing app.Run's own stop-then-dispose); a second caller that returned at once, finding nothing left
/// to stop, would let the host dispose what the first is still tearing down.
/// </summary>
internal sealed class StopOnce
{
    private readonly Lock _sync = new();
    private Task? _stop;

    public Task RunAsync(Func<Task> stop)
    {
        lock (_sync)
        {
            return _stop ??= stop();
        }
    }
}
