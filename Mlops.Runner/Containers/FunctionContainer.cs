using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Containers;

/// <summary>
/// One function container, from create to remove. Start arms its deadline; its output is read as lines;
/// its exit is awaited once, by a watcher that also kills it at the deadline whether or not anyone is
/// reading. <see cref="DisposeAsync"/> is the only teardown: it kills what still runs and removes the
/// container, retrying with backoff, and never throws; what it could not remove the janitor removes later.
/// </summary>
public sealed class FunctionContainer : IAsyncDisposable
{
    /// <summary>How long the output may take to end after the container has stopped.</summary>
    private static readonly TimeSpan LogDrainTimeout = TimeSpan.FromSeconds(10);

    private readonly IContainerEngine _engine;
    private readonly IContainerOutput _output;
    private readonly Backoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<FunctionContainer> _released;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _drained = new();
    private Task<ContainerExit>? _exit;
    private CancellationTokenSource? _deadline;
    private Activity? _waitSpan;
    private string _owner;
    private ActivityContext _parent;
    private readonly Lock _stopSync = new();
    private ExitReason? _stopReason;
    private int _disposed;

    private FunctionContainer(
        ContainerSpec spec, string id, TimeSpan created, IContainerOutput output, IContainerEngine engine, Backoff backoff, TimeProvider time, ILogger logger, Action<FunctionContainer> released)
    {
        Spec = spec;
        Id = id;
        Timings = ContainerTimings.Zero with { Create = created };
        _output = output;
        _engine = engine;
        _backoff = backoff;
        _time = time;
        _logger = logger;
        _released = released;
        _owner = spec.Owner;
        _parent = spec.Parent;
    }

    public ContainerSpec Spec { get; }

    /// <summary>How a serving replica in it is reached, when not over its run folder's unix socket.</summary>
    public string? ServingAddress => _engine.ServingAddress(Id);

    public string Id { get; }

    public ContainerTimings Timings { get; private set; }

    /// <summary>False after teardown when the engine refused every attempt to remove it (the janitor takes over).</summary>
    public bool Removed { get; private set; }

    /// <summary>Creates the container and attaches to its output; on any failure removes what was made and rethrows.</summary>
    internal static async Task<FunctionContainer> CreateAsync(
        ContainerSpec spec, IContainerEngine engine, Backoff backoff, TimeProvider time, ILogger logger, Action<FunctionContainer> released, CancellationToken cancellationToken)
    {
        string? id = null;
        try
        {
            var mark = Stopwatch.GetTimestamp();
            using (var span = StartSpan("container create", spec))
            {
                id = await engine.CreateAsync(spec, cancellationToken);
                span?.SetTag(RunnerTelemetry.ContainerId, id);
            }

            var created = Stopwatch.GetElapsedTime(mark);
            var output = await engine.AttachAsync(id, cancellationToken);
            return new FunctionContainer(spec, id, created, output, engine, backoff, time, logger, released);
        }
        catch (Exception ex) when (ex is RunnerException or OperationCanceledException)
        {
            // The engine may have made it even if create did not answer: remove by name then.
            await backoff.RetryAsync(token => engine.RemoveAsync(id ?? spec.Name, token), (failure, attempt) => logger.TeardownFailed(failure, id ?? spec.Name, spec.Owner, attempt));
            throw;
        }
    }

    /// <summary>Starts the container; with a timeout, it is killed when that passes, counted from now.</summary>
    public Task StartAsync(TimeSpan? timeout, CancellationToken cancellationToken) => StartAsync(timeout, claimed: true, cancellationToken);

    /// <summary>
    /// Starts a pooled container, which waits for an invocation that does not exist yet: no deadline and no wait
    /// span until <see cref="Claim"/>.
    /// </summary>
    public Task StartUnclaimedAsync(CancellationToken cancellationToken) => StartAsync(timeout: null, claimed: false, cancellationToken);

    /// <summary>
    /// Gives a started pooled container to <paramref name="invocationId"/>: the spans from now on belong to its
    /// trace, and its deadline is counted from now. False when the container has stopped meanwhile.
    /// </summary>
    public bool Claim(string invocationId, ActivityContext parent, TimeSpan timeout)
    {
        if (_exit is not { IsCompleted: false } || _deadline is not { } deadline)
        {
            return false;
        }

        _owner = invocationId;
        _parent = parent;
        // The wait span runs until the exit; it must not become the caller's current span.
        var current = Activity.Current;
        _waitSpan = StartSpan("container wait");
        Activity.Current = current;
        try
        {
            deadline.CancelAfter(timeout);
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task StartAsync(TimeSpan? timeout, bool claimed, CancellationToken cancellationToken)
    {
        if (_exit is not null)
        {
            throw new InvalidOperationException($"container {Id} was started already");
        }

        var mark = Stopwatch.GetTimestamp();
        using (StartSpan("container start"))
        {
            await _engine.StartAsync(Id, cancellationToken);
        }

        Timings = Timings with { Start = Stopwatch.GetElapsedTime(mark) };
        // Deadline and wait span exist before the watch starts: a container may end at once.
        _deadline = new CancellationTokenSource(timeout ?? Timeout.InfiniteTimeSpan, _time);
        if (claimed)
        {
            _waitSpan = StartSpan("container wait");
        }

        _exit = WatchAsync(_deadline);
    }

    public bool HasStarted => _exit is not null;

    /// <summary>Whether the container has stopped (on its own or killed).</summary>
    public bool HasExited => _exit is { IsCompleted: true };

    /// <summary>stdout and stderr line by line as they arrive; ends when the container's output ends.</summary>
    public IAsyncEnumerable<ContainerLogLine> ReadLogsAsync(CancellationToken cancellationToken) =>
        OutputLines.ReadAsync(_output, _time, ex => _logger.LogStreamFailed(ex, Spec.Owner), _drained.Token, cancellationToken);

    /// <summary>How the container ended: on its own, out of memory, or killed at its deadline.</summary>
    public Task<ContainerExit> WaitAsync(CancellationToken cancellationToken) =>
        (_exit ?? throw new InvalidOperationException($"container {Id} was not started")).WaitAsync(cancellationToken);

    /// <summary>Kills the container now, for <paramref name="reason"/> (a limit it passed); its exit reports that reason.</summary>
    public void Stop(ExitReason reason)
    {
        lock (_stopSync)
        {
            if (_stopReason is null && _disposed == 0)
            {
                _stopReason = reason;
                _stopping.Cancel();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_exit is not null)
        {
            // The waiter sees the exit or its failure; here it only matters that the kill has been tried.
            await ((Task)_exit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _output.Dispose();
        var mark = Stopwatch.GetTimestamp();
        using (var span = StartSpan("container remove"))
        {
            Removed = await _backoff.RetryAsync(
                token => _engine.RemoveAsync(Id, token),
                (ex, attempt) =>
                {
                    span?.RecordError("teardown_failed", ex);
                    _logger.TeardownFailed(ex, Id, Spec.Owner, attempt);
                });
        }

        Timings = Timings with { Remove = Stopwatch.GetElapsedTime(mark) };
        _released(this);
        lock (_stopSync)
        {
            _stopping.Dispose();
        }

        _deadline?.Dispose();
        _drained.Dispose();
    }

    private async Task<ContainerExit> WatchAsync(CancellationTokenSource deadline)
    {
        var mark = Stopwatch.GetTimestamp();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _stopping.Token);
        try
        {
            var state = await _engine.WaitAsync(Id, stop.Token);
            _waitSpan?.SetTag(RunnerTelemetry.Node, state.Node);
            // A process killed for memory while the function still exits 0 is not a failed invocation.
            return new ContainerExit(state.OomKilled && state.ExitCode != 0 ? ExitReason.OomKilled : ExitReason.Exited, (int)state.ExitCode);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            var reason = deadline.IsCancellationRequested ? ExitReason.TimedOut : _stopReason ?? ExitReason.Cancelled;
            _waitSpan?.RecordError(reason switch { ExitReason.TimedOut => "timeout", ExitReason.Cancelled => "cancelled", _ => "limit" });
            _logger.ContainerKilled(Id, _owner, reason.ToString());
            // Not killed after every attempt: the forced removal tries again, then the janitor.
            await _backoff.RetryAsync(token => _engine.KillAsync(Id, token), (ex, attempt) => _logger.KillFailed(ex, Id, Spec.Owner, attempt));
            return new ContainerExit(reason, null);
        }
        finally
        {
            Timings = Timings with { Run = Stopwatch.GetElapsedTime(mark) };
            _waitSpan?.Dispose();
            _drained.CancelAfter(LogDrainTimeout);
        }
    }

    private Activity? StartSpan(string name)
    {
        var span = StartSpan(name, Spec with { Owner = _owner, Parent = _parent });
        span?.SetTag(RunnerTelemetry.ContainerId, Id);
        return span;
    }

    private static Activity? StartSpan(string name, ContainerSpec spec)
    {
        var span = RunnerTelemetry.Source.StartActivity(name, ActivityKind.Internal, spec.Parent);
        span?.SetTag(RunnerTelemetry.FaasName, spec.Function);
        span?.SetTag(RunnerTelemetry.FaasInvocationId, spec.Owner);
        span?.SetTag(RunnerTelemetry.ContainerImageName, spec.Image);
        return span;
    }
}
