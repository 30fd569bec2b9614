using System.Diagnostics;
using System.Threading.Channels;
using Mlops.Runner.Capacity;
using Mlops.Runner.Containers;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Endpoints;

/// <summary>
/// Keeps one endpoint's replicas as its spec and its load say: starts and health-checks them, scales with
/// in-flight load (from zero, and to zero after idle), replaces dead ones with backoff, and rolls them when
/// the model reference moves — new replicas first, then the old ones drained and removed.
/// </summary>
public sealed class EndpointController : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ResolveEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);

    private readonly ReplicaPlanner _planner;
    private readonly IFunctionRuntime _runtime;
    private readonly CapacityBudget _budget;
    private readonly ILogger _logger;
    private readonly Action<EndpointController, string?> _publish;
    private readonly Lock _sync = new();
    private readonly List<Replica> _replicas = [];
    private readonly ReplicaFailures _failures = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private EndpointLoad _load;
    private ReplicaPlan? _primary;
    private ReplicaPlan? _canary;
    private long _resolvedAt;
    private readonly ReplicaAutoscaler _scale;

    /// <summary>Why replicas it wants are not started, while the machine's budget has no room for them; null otherwise.</summary>
    private string? _waitingForCapacity;

    public EndpointController(
        EndpointStore.Stored stored, ReplicaPlanner planner, IFunctionRuntime runtime, CapacityBudget budget, ILogger logger, Action<EndpointController, string?> publish)
    {
        (Spec, Created, Updated, Owner) = (stored.Spec, stored.Created, stored.Updated, stored.Owner);
        _planner = planner;
        _runtime = runtime;
        _budget = budget;
        _logger = logger;
        _publish = publish;
        _load = new EndpointLoad(Spec.Name, 0, 0, new Dictionary<string, int>());
        _scale = new ReplicaAutoscaler(Spec.MinReplicas);
        _loop = RunAsync(_stopping.Token);
    }

    public EndpointSpec Spec { get; private set; }

    public DateTimeOffset Created { get; }

    /// <summary>The id of the key that created it; null when it was stored before owners were kept.</summary>
    public string? Owner { get; }

    public DateTimeOffset Updated { get; private set; }

    public EndpointState State { get; private set; } = EndpointState.Pending;

    public string? Message { get; private set; }

    public EndpointView View
    {
        get
        {
            lock (_sync)
            {
                var load = _load;
                return new EndpointView(
                    Spec, State, Message, _replicas.Select(r => r.View with { InFlight = load.ReplicaInFlight.GetValueOrDefault(r.Id) }).ToList(),
                    Created, Updated, _scale.Wanted, load.InFlight, load.Waiting);
            }
        }
    }

    public void Update(EndpointStore.Stored stored)
    {
        lock (_sync)
        {
            (Spec, Updated) = (stored.Spec, stored.Updated);
            _scale.Bound(Spec);
            _resolvedAt = 0;
            (State, Message) = (EndpointState.Pending, null);
        }

        Wake();
    }

    public void Report(EndpointLoad load)
    {
        var before = _load;
        _load = load;
        if (load.ReplicaFaults is { Count: > 0 } faults)
        {
            Cut(faults);
        }

        // Watchers see the load move (reports come twice a second; an idle endpoint's do not change anything).
        if ((before.InFlight, before.Waiting) != (load.InFlight, load.Waiting))
        {
            _publish(this, null);
        }

        Wake();
    }

    /// <summary>True once the current revision has the replicas it wants ready and the state says so, or it failed.</summary>
    public bool IsSettled
    {
        get
        {
            lock (_sync)
            {
                // Waiting for the machine's capacity is settled too: nothing more will happen until some frees.
                return State == EndpointState.Failed ||
                       (_waitingForCapacity is not null && _replicas.All(r => r.State != ReplicaState.Starting)) ||
                       (State is EndpointState.Ready or EndpointState.ScaledToZero &&
                        _primary is not null &&
                        HasReady(_primary, _scale.Wanted) &&
                        _replicas.All(r => r.State != ReplicaState.Starting));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        List<Replica> all;
        lock (_sync)
        {
            all = [.. _replicas];
            _replicas.Clear();
        }

        foreach (var replica in all)
        {
            await replica.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Not only RunnerException: an unreachable engine or a disk error must not end the loop silently,
                // or the endpoint would never be reconciled again. The next pass tries again.
                _logger.EndpointFailed(Spec.Name, Bounded.Text(ex.Message));
                SetState(EndpointState.Failed, Bounded.Text(ex.Message));
            }

            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            tick.CancelAfter(Tick);
            try
            {
                await _wake.Reader.WaitToReadAsync(tick.Token);
                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The tick: time-based decisions (idle, drains, alias moves) are due.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (_primary is null || Stopwatch.GetElapsedTime(_resolvedAt) > ResolveEvery)
        {
            // Stamped first: a plan that fails (registry or engine down) is tried again at the next resolve, not
            // at every wake (load reports wake the loop twice a second).
            _resolvedAt = Stopwatch.GetTimestamp();
            (_primary, _canary) = await _planner.PlanAsync(Spec, cancellationToken);
        }

        await ReapAsync();
        if (_failures.CrashLoop(Message) is { } crash)
        {
            SetState(EndpointState.Failed, crash);
            return;
        }

        var wantedBefore = _scale.Wanted;
        var wanted = _scale.Next(Spec, _load, Spec.TargetConcurrency > 0 ? Spec.TargetConcurrency : _primary.Serving.Concurrency);
        if (wanted != wantedBefore)
        {
            _publish(this, null);
        }

        // After a failure, replacements wait out the backoff; what is running keeps serving meanwhile.
        var mayStart = _failures.MayStart;
        var waiting = Converge(_primary, wanted, mayStart);
        if (_canary is not null)
        {
            waiting += Converge(_canary, wanted == 0 ? 0 : Math.Max(1, (int)Math.Ceiling(wanted * Spec.CanaryPercent / 100.0)), mayStart);
        }

        // Tried again at every pass (a tick at the latest): scale-up resumes as soon as the budget has room.
        var before = _waitingForCapacity;
        _waitingForCapacity = waiting == 0 ? null
            : $"{waiting} wanted replica(s) wait for the machine's capacity: {_budget.Use}";
        if (before is null && _waitingForCapacity is not null)
        {
            _logger.ReplicasWaitForCapacity(Spec.Name, waiting, _budget.Use.ToString());
        }
        else if (before is not null && _waitingForCapacity is null)
        {
            _logger.CapacityFreedForEndpoint(Spec.Name);
        }

        DrainStale();
        await RemoveDrainedAsync();
        EndpointState now;
        lock (_sync)
        {
            now = _replicas.Any(r => r.State == ReplicaState.Ready) ? EndpointState.Ready
                : _scale.Wanted == 0 && _replicas.Count == 0 ? EndpointState.ScaledToZero
                : EndpointState.Pending;
        }

        // A pending endpoint keeps saying why its last replica failed, if one did; any says what it waits for.
        SetState(now, _waitingForCapacity ?? (now == EndpointState.Pending ? Message : null));
    }

    /// <summary>
    /// Starts or drains replicas of the plan's revision until it has <paramref name="wanted"/> live ones; each new one
    /// takes its place in the machine's budget first. Returns how many it could not start for want of room.
    /// </summary>
    private int Converge(ReplicaPlan plan, int wanted, bool mayStart)
    {
        var missing = 0;
        List<Replica> started = [];
        List<Replica> extra;
        lock (_sync)
        {
            // Extra ones go starting-first, then newest-first: the oldest ready replicas are the warmest.
            var live = Current(plan).Where(r => r.IsLive).OrderBy(r => r.State == ReplicaState.Ready).ThenByDescending(r => r.StartedAt).ToList();
            for (var i = live.Count; mayStart && i < wanted; i++)
            {
                if (_budget.TryReserve(plan.MemoryMb) is not { } reservation)
                {
                    missing = wanted - i;
                    break;
                }

                var replica = new Replica(plan, _runtime, reservation, _logger, Changed);
                _replicas.Add(replica);
                started.Add(replica);
            }

            extra = live.Take(Math.Max(0, live.Count - wanted)).ToList();
        }

        // Outside the lock: a replica's change is published, and publishing reads this endpoint's view.
        extra.ForEach(r => r.Drain());
        started.ForEach(r => r.Start());
        return missing;
    }

    /// <summary>Replicas of an older revision go once the current one has what it wants ready.</summary>
    private void DrainStale()
    {
        List<Replica> stale = [];
        lock (_sync)
        {
            foreach (var plan in new[] { _primary, _canary }.OfType<ReplicaPlan>())
            {
                var wantedReady = plan.Canary ? Math.Min(1, _scale.Wanted) : _scale.Wanted;
                if (!HasReady(plan, wantedReady))
                {
                    continue;
                }

                stale.AddRange(_replicas.Where(r => r.Plan.Canary == plan.Canary && r.IsLive && !IsOf(r, plan)));
            }

            if (_canary is null)
            {
                stale.AddRange(_replicas.Where(r => r.Plan.Canary && r.IsLive));
            }
        }

        stale.ForEach(r => r.Drain());
    }

    /// <summary>Drained replicas are removed once the data plane has nothing in flight on them.</summary>
    private async Task RemoveDrainedAsync()
    {
        List<Replica> done;
        lock (_sync)
        {
            done = _replicas.Where(r => r.State == ReplicaState.Draining && r.DrainingSince is { } since &&
                    (Stopwatch.GetElapsedTime(since) > DrainLimit ||
                     (Stopwatch.GetElapsedTime(since) > DrainGrace && _load.ReplicaInFlight.GetValueOrDefault(r.Id) == 0)))
                .ToList();
            _replicas.RemoveAll(done.Contains);
        }

        foreach (var replica in done)
        {
            await replica.DisposeAsync();
        }
    }

    private async Task ReapAsync()
    {
        List<Replica> failed;
        lock (_sync)
        {
            failed = _replicas.Where(r => r.State == ReplicaState.Failed).ToList();
            _replicas.RemoveAll(failed.Contains);
        }

        foreach (var replica in failed)
        {
            Message = $"replica {replica.Id} failed: {replica.Reason}";
            await replica.DisposeAsync();
        }

        _failures.Record(failed.Count);
    }

    /// <summary>Replicas the data plane cut off fail now; the next pass removes and replaces them (with the usual backoff).</summary>
    private void Cut(IReadOnlyDictionary<string, string> faults)
    {
        List<Replica> cut;
        lock (_sync)
        {
            cut = _replicas.Where(r => faults.ContainsKey(r.Id)).ToList();
        }

        foreach (var replica in cut)
        {
            _logger.ReplicaCut(Spec.Name, replica.Id, faults[replica.Id]);
            replica.Cut($"the data plane cut it off: {faults[replica.Id]}");
        }
    }

    private IEnumerable<Replica> Current(ReplicaPlan plan) => _replicas.Where(r => IsOf(r, plan));

    /// <summary>The revision has as many ready replicas as it should.</summary>
    private bool HasReady(ReplicaPlan plan, int wanted) => Current(plan).Count(r => r.State == ReplicaState.Ready) >= wanted;

    private static bool IsOf(Replica replica, ReplicaPlan plan) =>
        replica.Plan.Canary == plan.Canary && replica.Plan.Image == plan.Image &&
        (replica.Plan.Version.Name, replica.Plan.Version.Version, replica.Plan.Version.RunId) == (plan.Version.Name, plan.Version.Version, plan.Version.RunId);

    private void Changed(Replica replica)
    {
        _logger.ReplicaChanged(Spec.Name, replica.Id, replica.State.ToString(), replica.Reason is null ? "" : $": {replica.Reason}");
        _publish(this, replica.Id);
        Wake();
    }

    private void SetState(EndpointState state, string? message)
    {
        lock (_sync)
        {
            if ((State, Message) == (state, message))
            {
                return;
            }

            (State, Message) = (state, message);
        }

        _publish(this, null);
    }
}
