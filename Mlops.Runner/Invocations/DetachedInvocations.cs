using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Invocations that belong to the runner rather than to their caller (trainings: a model exists only in the
/// workspace until it is recorded). Each runs on the runner's own token; its caller reads its events while it
/// stays, and may leave at any time without stopping it. On shutdown the runner stops them and waits for their
/// teardown.
/// </summary>
public sealed class DetachedInvocations(IHostApplicationLifetime lifetime) : IHostedService
{
    /// <summary>Events a slow caller may be behind by before the run waits for it (as an attached run would).</summary>
    private const int Buffered = 256;

    // Never disposed: it has no timer, and the host may stop this service after disposing the container.
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private long _next;

    public int Running => _running.Count;

    /// <summary>Starts <paramref name="run"/> now and returns its events for as long as the caller reads them.</summary>
    public IAsyncEnumerable<InvocationEvent> Run(Func<CancellationToken, IAsyncEnumerable<InvocationEvent>> run, CancellationToken callerToken)
    {
        var events = Channel.CreateBounded<InvocationEvent>(new BoundedChannelOptions(Buffered) { SingleReader = true, SingleWriter = true });
        var callerGone = new CancellationTokenSource();
        var id = Interlocked.Increment(ref _next);
        var listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[id] = Task.Run(async () =>
        {
            // Listed before it can end, and unlisted as its last step: Running is exact once StopAsync returns.
            await listed.Task;
            try
            {
                await PumpAsync(run(_stopping.Token), events.Writer, callerGone.Token);
            }
            finally
            {
                _running.TryRemove(id, out _);
            }
        }, CancellationToken.None);
        listed.SetResult();
        return ReadAsync(events.Reader, callerGone, callerToken);
    }

    /// <summary>
    /// Runs are stopped as soon as the host begins to stop, not when this service's turn comes: the web server
    /// stops first and waits for open streams, and an attached caller's stream ends only when its run does.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => _stopping.Cancel());
        return Task.CompletedTask;
    }

    /// <summary>Stops what still runs (their containers are torn down, history says cancelled) and waits for it, within the host's limit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static async IAsyncEnumerable<InvocationEvent> ReadAsync(
        ChannelReader<InvocationEvent> events, CancellationTokenSource callerGone, [EnumeratorCancellation] CancellationToken callerToken)
    {
        using var gone = callerGone;
        string? id = null;
        var finished = false;
        try
        {
            while (true)
            {
                try
                {
                    if (!await events.WaitToReadAsync(callerToken))
                    {
                        finished = true;
                        yield break;
                    }
                }
                catch (OperationCanceledException) when (callerToken.IsCancellationRequested)
                {
                    break;
                }

                while (events.TryRead(out var item))
                {
                    id ??= (item as InvocationAccepted)?.InvocationId;
                    yield return item;
                }
            }
        }
        finally
        {
            if (!finished)
            {
                // The caller left (cancelled, or stopped reading): the run goes on without it.
                await gone.CancelAsync();
            }
        }

        throw new RunnerException(ErrorKind.Cancelled,
            $"the caller left; the invocation goes on and is recorded{(id is null ? "" : $" (GetInvocation {id})")}");
    }

    private static async Task PumpAsync(IAsyncEnumerable<InvocationEvent> run, ChannelWriter<InvocationEvent> events, CancellationToken callerGone)
    {
        Exception? failure = null;
        try
        {
            await foreach (var item in run)
            {
                if (callerGone.IsCancellationRequested)
                {
                    continue;
                }

                try
                {
                    await events.WriteAsync(item, callerGone);
                }
                catch (OperationCanceledException) when (callerGone.IsCancellationRequested)
                {
                    // Nobody reads any more; the run's journal keeps every event.
                }
            }
        }
        catch (Exception ex)
        {
            // Handed on, not swallowed: the caller's read throws it (a RunnerException is the invocation's outcome).
            failure = ex;
        }
        finally
        {
            events.TryComplete(failure);
        }
    }
}
