using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Mlops.Runner.Capacity;
using Mlops.Runner.Containers;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Functions;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Invocations.Pooling;

/// <summary>
/// Pre-started, single-use containers for the functions that declare a pool. An invocation claims a ready one
/// (<see cref="Claim"/>); the pool starts its replacement in the background, sizes each function's pool to its
/// recent demand within its share of the budget, empties it when the function is idle, and retires containers of
/// an image or a model no invocation asks for any more. No container is ever claimed twice.
/// </summary>
public sealed class WarmPool : BackgroundService
{
    private static readonly TimeSpan TickEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a retired container may take to exit on its own (its pipe closed, or its call done) before it is killed.</summary>
    private static readonly TimeSpan RetireGrace = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(1);

    /// <summary>Added to a waiting claim's expected wait: fill times vary from one to the next.</summary>
    private static readonly TimeSpan WaitMargin = TimeSpan.FromMilliseconds(50);

    /// <summary>How long after an invocation waited for the budget the pools give way (retire, and start none).</summary>
    private static readonly TimeSpan ShortFor = TimeSpan.FromSeconds(5);

    private readonly Lock _sync = new();
    private readonly Dictionary<string, FunctionPool> _pools = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _work = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly StopOnce _stop = new();

    /// <summary>Completed (and replaced) each time a container becomes ready: what a waiting claim awaits.</summary>
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IFunctionRuntime _runtime;
    private readonly Workspaces _workspaces;
    private readonly ModelBinder _models;
    private readonly CapacityBudget _budget;
    private readonly PoolOptions _options;
    private readonly RunnerOptions _runner;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Counter<long>? _claims;
    private readonly Histogram<double>? _fillDuration;
    private int _fills;
    private bool _stopped;
    private long _shortAt;

    public WarmPool(
        IFunctionRuntime runtime, Workspaces workspaces, ModelBinder models, CapacityBudget budget, IOptions<PoolOptions> options,
        IOptions<RunnerOptions> runner, TimeProvider time, ILogger<WarmPool> logger, IMeterFactory? meters = null)
    {
        _runtime = runtime;
        _workspaces = workspaces;
        _models = models;
        _budget = budget;
        _options = options.Value;
        _runner = runner.Value;
        _time = time;
        _logger = logger;
        budget.Short += OnShort;
        if (meters is not null)
        {
            // The dashboard charts every instrument of the runner's meter.
            var meter = meters.Create(RunnerTelemetry.Name);
            _claims = meter.CreateCounter<long>("mlops.pool.claims", "{claim}", "Invocations of pooled functions, by whether a ready container took them");
            _fillDuration = meter.CreateHistogram("mlops.pool.fill.duration", "s", "Time from starting a pooled container to its waiting for a hand-over",
                advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60] });
            meter.CreateObservableGauge("mlops.pool.containers", () => Measure(), "{container}", "Pooled containers, by function and state (ready, starting)");
            meter.CreateObservableGauge("mlops.pool.target", () => Snapshot().Select(p => new Measurement<int>(p.Target, Tag(p.Function))), "{container}",
                "The size each function's pool is kept at now");
        }
    }

    /// <summary>
    /// A ready container of <paramref name="manifest"/>'s function running <paramref name="image"/>, preferably one
    /// holding <paramref name="model"/>'s version already, taken out of the pool for one invocation; or why there is none.
    /// Every call counts as demand, so the pool grows towards what the function is asked for. When none is ready but
    /// one is being started and will be ready sooner than a cold start would take, the call waits for it: starting a
    /// second container for the same call would only slow both down.
    /// </summary>
    internal async Task<PoolClaim> ClaimAsync(FunctionManifest manifest, string image, ModelBinding? model, CancellationToken cancellationToken)
    {
        if (!_options.Enabled || manifest.Pool is null)
        {
            Forget(manifest.Name);
            return manifest.Pool is null ? PoolClaim.NotPooled : PoolClaim.Miss("disabled");
        }

        var wanted = manifest.Model.Consumes ? model?.Version : null;
        var started = _time.GetTimestamp();
        var (claim, wait, signal) = TryTake(manifest, image, model, wanted, arriving: true);
        if (claim.Container is null && wait > TimeSpan.Zero)
        {
            try
            {
                while (claim.Container is null && _time.GetElapsedTime(started) < wait)
                {
                    await signal.WaitAsync(wait - _time.GetElapsedTime(started), _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    cancellationToken.ThrowIfCancellationRequested();
                    (claim, _, signal) = TryTake(manifest, image, model, wanted, arriving: false);
                }
            }
            finally
            {
                lock (_sync)
                {
                    if (_pools.TryGetValue(manifest.Name, out var pool))
                    {
                        pool.Waiting--;
                    }
                }
            }

            claim = claim with { Waited = _time.GetElapsedTime(started) };
        }

        _claims?.Add(1, Tag(manifest.Name), new KeyValuePair<string, object?>(RunnerTelemetry.Outcome, claim.Container is null ? "miss" : "hit"));
        // A claim leaves a gap, and a miss means the pool is too small: either way, refill now rather than at the next tick.
        _wake.Release();
        return claim;
    }

    /// <summary>
    /// One attempt: a ready container, or a miss with how long it is worth waiting for one being started (zero when
    /// none will be ready sooner than a cold start, or as many calls wait already as are being started) and the
    /// signal of the next one ready.
    /// </summary>
    private (PoolClaim Claim, TimeSpan Wait, Task Ready) TryTake(FunctionManifest manifest, string image, ModelBinding? model, ModelVersion? wanted, bool arriving)
    {
        var now = _time.GetUtcNow();
        lock (_sync)
        {
            if (_stopped)
            {
                return (PoolClaim.Miss("stopping"), TimeSpan.Zero, Task.CompletedTask);
            }

            if (!_pools.TryGetValue(manifest.Name, out var pool))
            {
                _pools[manifest.Name] = pool = new FunctionPool(manifest, image);
            }

            if (arriving)
            {
                pool.Manifest = manifest;
                if (pool.Image != image)
                {
                    pool.Image = image;
                    _logger.PoolImageChanged(manifest.Name, image);
                }

                if (wanted is not null)
                {
                    pool.HotModel = model;
                }

                pool.Demand.Arrive(now);
            }

            var taken = pool.Containers
                .Where(c => c.Fits(image))
                .OrderBy(c => c.Distance(wanted))
                .FirstOrDefault();
            if (taken is not null)
            {
                taken.State = PooledState.Gone;
                pool.Containers.Remove(taken);
                pool.Claimed(now);
                return (PoolClaim.Hit(taken), TimeSpan.Zero, Task.CompletedTask);
            }

            var starting = pool.Containers.Where(c => c.State == PooledState.Starting && c.Image == image).ToList();
            var wait = TimeSpan.Zero;
            if (arriving && starting.Count > pool.Waiting)
            {
                // The furthest along is due in (fill time - its age); a cold start would take about the fill time.
                var fill = pool.Demand.FillTime;
                wait = fill - starting.Max(c => c.Age) + WaitMargin;
                wait = wait > fill ? TimeSpan.Zero : wait < WaitMargin ? WaitMargin : wait;
                if (wait > TimeSpan.Zero)
                {
                    pool.Waiting++;
                }
            }

            return (PoolClaim.Miss(starting.Count > 0 ? "starting" : "empty"), wait, _ready.Task);
        }
    }

    /// <summary>
    /// Removes a container that left the pool (claimed, or never ready), its workspace and its place in the budget,
    /// in the background. With <paramref name="kill"/> (a call cancelled or failed mid-way) it is killed at once;
    /// otherwise it may first end on its own (released unused, or done with its call).
    /// </summary>
    internal void Retire(PooledContainer container, bool kill = false) => Track(RetireAsync(container, kill));

    /// <summary>Each function's pool now, for the runner's status and the dashboard.</summary>
    public IReadOnlyList<PoolStatus> Snapshot()
    {
        var now = _time.GetUtcNow();
        lock (_sync)
        {
            return _pools.Values
                .Select(p => new PoolStatus(p.Manifest.Name, Target(p, now), p.Ready, p.Starting, p.ClaimedLastMinute(now), p.Demand.FillTime))
                .OrderBy(p => p.Function, StringComparer.Ordinal)
                .ToList();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(TickEvery, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            Tick(stoppingToken);
        }
    }

    /// <summary>Stops filling, removes every pooled container, and waits until they are gone.</summary>
    public override Task StopAsync(CancellationToken cancellationToken) => _stop.RunAsync(() => StopPoolsAsync(cancellationToken));

    private async Task StopPoolsAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        List<PooledContainer> ready;
        lock (_sync)
        {
            _stopped = true;
            ready = _pools.Values.SelectMany(p => p.Containers).Where(c => c.State == PooledState.Ready).ToList();
            foreach (var pool in _pools.Values)
            {
                pool.Containers.RemoveAll(c => c.State == PooledState.Ready);
            }
        }

        foreach (var container in ready)
        {
            container.State = PooledState.Gone;
            Retire(container);
        }

        // Fills see the stopping token and retire what they made; claimed containers are retired by their invocations.
        while (!_work.IsEmpty)
        {
            await Task.WhenAll(_work.Keys).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <remarks>
    /// The wake semaphore is left undisposed (it holds nothing unmanaged unless its wait handle is asked for): a host
    /// stopped twice at once may dispose this while fills still end and release it.
    /// </remarks>
    public override void Dispose()
    {
        _budget.Short -= OnShort;
        base.Dispose();
    }

    /// <summary>An invocation waits for room in the budget: waiting containers give theirs back first.</summary>
    private void OnShort()
    {
        Interlocked.Exchange(ref _shortAt, _time.GetTimestamp());
        _wake.Release();
    }

    /// <summary>For a while after an invocation waited for the budget, pools shrink rather than grow.</summary>
    private bool IsShort => Interlocked.Read(ref _shortAt) is var at and > 0 && _time.GetElapsedTime(at) < ShortFor;

    private void Tick(CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        var retired = new List<PooledContainer>();
        lock (_sync)
        {
            if (IsShort)
            {
                // One waiting container at a time, oldest first, until the invocation fits (the gate pumps on each release).
                if (_pools.Values.SelectMany(p => p.Containers.Where(c => c.State == PooledState.Ready).Select(c => (Pool: p, Container: c)))
                        .OrderByDescending(e => e.Container.Age).FirstOrDefault() is { Container: not null } oldest)
                {
                    Withdraw(oldest.Pool, c => c == oldest.Container, 1, retired);
                }
            }

            foreach (var pool in _pools.Values.ToList())
            {
                var target = Target(pool, now);
                // Never claimed any more: another image. (One holding another model is still claimed, and given the right one.)
                Withdraw(pool, c => c.Image != pool.Image, int.MaxValue, retired);
                Withdraw(pool, _ => true, pool.Containers.Count - target, retired);
                if (target == 0 && pool.Containers.Count == 0)
                {
                    _pools.Remove(pool.Manifest.Name);
                    continue;
                }

                while (!IsShort && pool.Containers.Count < target && _fills < _options.FillLimit && now >= pool.PausedUntil && Reserve(pool) is { } reservation)
                {
                    StartFill(pool, reservation, stoppingToken);
                }

                _logger.PoolSized(pool.Manifest.Name, target, pool.Ready, pool.Starting);
            }
        }

        foreach (var container in retired)
        {
            Retire(container);
        }
    }

    /// <summary>Withdraws up to <paramref name="count"/> ready containers matching <paramref name="which"/> out of the pool, into <paramref name="into"/>.</summary>
    private static void Withdraw(FunctionPool pool, Func<PooledContainer, bool> which, int count, List<PooledContainer> into)
    {
        foreach (var container in pool.Containers.Where(c => c.State == PooledState.Ready && which(c)).Take(Math.Max(0, count)).ToList())
        {
            container.State = PooledState.Gone;
            pool.Containers.Remove(container);
            into.Add(container);
        }
    }

    private int Target(FunctionPool pool, DateTimeOffset now) => pool.Manifest.Pool is { } spec
        ? pool.Demand.Target(now, spec.Idle ?? TimeSpan.FromSeconds(_options.IdleSeconds), spec.Max)
        : 0;

    /// <summary>
    /// A place in the budget for one more pooled container of <paramref name="pool"/>'s function, if the pools stay
    /// within their share and leave room for as many invocations as may run at once; null otherwise.
    /// </summary>
    private CapacityBudget.Reservation? Reserve(FunctionPool pool)
    {
        var memoryMb = pool.Manifest.MemoryMb;
        var pooled = _pools.Values.SelectMany(p => p.Containers).ToList();
        var share = _options.MaxBudgetShare;
        if (pooled.Count + 1 > share * _budget.ContainerLimit || pooled.Sum(c => (long)c.Reservation.MemoryMb) + memoryMb > share * _budget.MemoryLimitMb)
        {
            return null;
        }

        return _budget.Use.Containers + 1 + _runner.MaxConcurrentInvocations > _budget.ContainerLimit ? null : _budget.TryReserve(memoryMb);
    }

    private void StartFill(FunctionPool pool, CapacityBudget.Reservation reservation, CancellationToken stoppingToken)
    {
        var slot = "p" + RandomNumberGenerator.GetHexString(12, lowercase: true);
        Workspace? workspace = null;
        PooledContainer container;
        try
        {
            workspace = _workspaces.CreateEmpty(slot);
            container = new PooledContainer(slot, pool.Image, pool.HotModel?.Version, workspace, HandoverPipe.Create(workspace.Input), reservation);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            workspace?.Dispose();
            reservation.Dispose();
            Failed(pool, ex, "its workspace could not be made");
            return;
        }

        pool.Containers.Add(container);
        _fills++;
        Track(FillAsync(pool, container, pool.Manifest, pool.HotModel, stoppingToken));
    }

    private async Task FillAsync(FunctionPool pool, PooledContainer pooled, FunctionManifest manifest, ModelBinding? model, CancellationToken stoppingToken)
    {
        // Its own trace, not the tick's: a fill belongs to no invocation.
        Activity.Current = null;
        await Task.Yield();
        var mark = Stopwatch.GetTimestamp();
        using var span = RunnerTelemetry.Source.StartActivity($"pool fill {manifest.Name}");
        span?.SetTag(RunnerTelemetry.FaasName, manifest.Name);
        span?.SetTag(RunnerTelemetry.ContainerImageName, pooled.Image);
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        startup.CancelAfter(manifest.Pool?.Startup ?? TimeSpan.FromSeconds(PoolSpec.DefaultStartupSeconds));
        try
        {
            if (model is { Version: not null })
            {
                await _models.StageAsync(model, pooled.Workspace.Input, startup.Token);
            }

            var spec = InvocationContainerSpec.ForPool(pooled.SlotId, manifest, pooled.Image, pooled.Workspace, HandoverPipe.FileName, span?.Context ?? default);
            pooled.Container = await _runtime.CreateAsync(spec, startup.Token);
            span?.SetTag(RunnerTelemetry.ContainerId, pooled.Container.Id);
            await pooled.Container.StartUnclaimedAsync(startup.Token);
            while (!pooled.Pipe.TryOpen())
            {
                if (pooled.Container.HasExited)
                {
                    throw new PoolFillException("it exited before waiting for its invocation; is it an SDK function, or does it read MLOPS_HANDOVER?");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(_options.ProbeMilliseconds), _time, startup.Token);
            }

            var took = Stopwatch.GetElapsedTime(mark);
            TaskCompletionSource ready;
            lock (_sync)
            {
                pooled.State = PooledState.Ready;
                pool.Demand.Filled(took);
                pool.Failures = 0;
                ready = _ready;
                _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            ready.SetResult();

            _fillDuration?.Record(took.TotalSeconds, Tag(manifest.Name));
        }
        catch (Exception ex) when (ex is RunnerException or IOException or PoolFillException or OperationCanceledException)
        {
            var reason = ex switch
            {
                OperationCanceledException when stoppingToken.IsCancellationRequested => null,
                OperationCanceledException => $"not ready after {manifest.Pool?.Startup.TotalSeconds} s (pool.startupSeconds)",
                _ => ex.Message,
            };
            span?.RecordError(reason is null ? "cancelled" : "fill_failed", ex);
            lock (_sync)
            {
                pooled.State = PooledState.Gone;
                pool.Containers.Remove(pooled);
                if (reason is not null)
                {
                    Failed(pool, ex, reason);
                }
            }

            Retire(pooled);
        }
        finally
        {
            lock (_sync)
            {
                _fills--;
            }

            _wake.Release();
        }
    }

    /// <summary>A fill failed: the pool pauses, twice as long after each failure in a row (a broken function must not loop).</summary>
    private void Failed(FunctionPool pool, Exception exception, string reason)
    {
        pool.Failures++;
        var pause = TimeSpan.FromSeconds(Math.Min(MaxPause.TotalSeconds, Math.Pow(2, pool.Failures - 1)));
        pool.PausedUntil = _time.GetUtcNow() + pause;
        _logger.PoolFillFailed(exception, pool.Manifest.Name, reason, pause.TotalSeconds);
    }

    private async Task RetireAsync(PooledContainer pooled, bool kill)
    {
        await Task.Yield();
        try
        {
            // Unclaimed, it reads EOF and exits; claimed, it has said it is done: either way it ends by itself, soon.
            pooled.Pipe.Dispose();
            if (pooled.Container is { } container)
            {
                if (container.HasStarted && !kill)
                {
                    using var grace = new CancellationTokenSource(RetireGrace, _time);
                    await ((Task)container.WaitAsync(grace.Token)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                await container.DisposeAsync();
            }

            pooled.Workspace.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _logger.PoolRetireFailed(ex, pooled.Container?.Spec.Function ?? "?", pooled.SlotId);
        }
        finally
        {
            pooled.Reservation.Dispose();
        }
    }

    /// <summary>A function no longer declares a pool: its containers go.</summary>
    private void Forget(string function)
    {
        List<PooledContainer> retired = [];
        lock (_sync)
        {
            if (!_pools.TryGetValue(function, out var pool))
            {
                return;
            }

            pool.Manifest = pool.Manifest with { Pool = null };
            Withdraw(pool, _ => true, int.MaxValue, retired);
        }

        foreach (var container in retired)
        {
            Retire(container);
        }
    }

    private void Track(Task work)
    {
        _work[work] = 0;
        _ = work.ContinueWith(done => _work.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private IEnumerable<Measurement<int>> Measure()
    {
        foreach (var pool in Snapshot())
        {
            yield return new Measurement<int>(pool.Ready, Tag(pool.Function), new KeyValuePair<string, object?>("state", "ready"));
            yield return new Measurement<int>(pool.Starting, Tag(pool.Function), new KeyValuePair<string, object?>("state", "starting"));
        }
    }

    private static KeyValuePair<string, object?> Tag(string function) => new(RunnerTelemetry.FaasName, function);

    private sealed class PoolFillException(string message) : Exception(message);
}

/// <summary>What a claim got: a container, or why not (null when the function has no pool).</summary>
internal sealed record PoolClaim(PooledContainer? Container, string? MissReason)
{
    /// <summary>How long it waited for a container being started; zero when it did not.</summary>
    public TimeSpan Waited { get; init; }

    public static readonly PoolClaim NotPooled = new(null, null);

    public static PoolClaim Hit(PooledContainer container) => new(container, null);

    public static PoolClaim Miss(string reason) => new(null, reason);
}

/// <param name="FillTime">How long a replacement takes to be ready, smoothed.</param>
public sealed record PoolStatus(string Function, int Target, int Ready, int Starting, int ClaimedLastMinute, TimeSpan FillTime);
