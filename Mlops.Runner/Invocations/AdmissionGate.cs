using Mlops.Runner.Capacity;
using Mlops.Runner.Diagnostics;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Bounds the containers that run at once: a slot, and a place in the machine's <see cref="CapacityBudget"/>
/// for the function's memory. Invocations beyond either wait in FIFO order; beyond the queue's length, or
/// beyond what their key may have at once, they are refused at once, before anything is started for them.
/// A key's invocation counts from admission until its run ends, whether its caller waits, left, or never
/// waited (asynchronous).
/// </summary>
public sealed class AdmissionGate
{
    private readonly IOptions<RunnerOptions> _options;
    private readonly IOptions<CapacityOptions> _capacity;
    private readonly CapacityBudget _budget;
    private readonly Lock _sync = new();
    private readonly LinkedList<Ticket> _waiting = new();
    private readonly Dictionary<string, int> _perKey = new(StringComparer.Ordinal);
    private int _running;

    public AdmissionGate(IOptions<RunnerOptions> options, IOptions<CapacityOptions> capacity, CapacityBudget budget)
    {
        (_options, _capacity, _budget) = (options, capacity, budget);
        budget.Released += Pump;
    }

    public int Running
    {
        get { lock (_sync) { return _running; } }
    }

    public int Queued
    {
        get { lock (_sync) { return _waiting.Count; } }
    }

    /// <param name="memoryMb">The function's memory limit, reserved in the budget while its container exists.</param>
    /// <param name="key">The caller's key id, counted against Capacity:InvocationsPerKey; null for the runner's own work.</param>
    /// <exception cref="RunnerException">ResourceExhausted when the key is at its limit, the function can never fit
    /// the budget, or every slot is taken and the queue is full.</exception>
    public Ticket Enter(int memoryMb = 0, string? key = null)
    {
        if (!_budget.CouldFit(memoryMb))
        {
            throw new RunnerException(ErrorKind.ResourceExhausted,
                $"the function needs {memoryMb} MB, more than the machine's whole budget of {_budget.MemoryLimitMb} MB (Capacity:MaxMemoryMb)");
        }

        lock (_sync)
        {
            var perKey = _capacity.Value.InvocationsPerKey;
            if (key is not null && _perKey.GetValueOrDefault(key) >= perKey)
            {
                throw new RunnerException(ErrorKind.ResourceExhausted,
                    $"this key has {_perKey[key]} invocation(s) queued, running or detached, its limit (Capacity:InvocationsPerKey is {perKey}); try again when one ends");
            }

            var ticket = new Ticket(this, memoryMb, key);
            if (_running < _options.Value.MaxConcurrentInvocations && _waiting.Count == 0 && _budget.TryReserve(memoryMb) is { } reservation)
            {
                Count(key, +1);
                _running++;
                ticket.Grant(reservation);
                return ticket;
            }

            if (_waiting.Count >= _options.Value.MaxQueueLength)
            {
                throw new RunnerException(ErrorKind.ResourceExhausted,
                    $"the runner is at capacity: {_running} invocation(s) running and {_waiting.Count} waiting, {_budget.Use}; try again later");
            }

            Count(key, +1);
            ticket.Node = _waiting.AddLast(ticket);
            ticket.Position = _waiting.Count;
            RunnerTelemetry.QueuedInvocations.Add(1);
            if (_running < _options.Value.MaxConcurrentInvocations)
            {
                // A slot is free: it waits for the budget, which pre-started containers may be holding.
                _budget.ReportShort();
            }

            return ticket;
        }
    }

    private void Count(string? key, int change)
    {
        if (key is null)
        {
            return;
        }

        var now = _perKey.GetValueOrDefault(key) + change;
        if (now == 0)
        {
            _perKey.Remove(key);
        }
        else
        {
            _perKey[key] = now;
        }
    }

    private void Leave(Ticket ticket)
    {
        lock (_sync)
        {
            Count(ticket.Key, -1);
            if (ticket.Node is { } node)
            {
                _waiting.Remove(node);
                ticket.Node = null;
                RunnerTelemetry.QueuedInvocations.Add(-1);
                return;
            }

            if (!ticket.IsGranted)
            {
                return;
            }

            _running--;
        }

        // Outside the lock: giving the place back pumps the queue (through Released), and so would a free slot.
        ticket.Reservation?.Dispose();
        Pump();
    }

    /// <summary>Grants the queue's head while a slot and its memory are free (FIFO: a large head waits, the rest behind it too).</summary>
    private void Pump()
    {
        lock (_sync)
        {
            while (_running < _options.Value.MaxConcurrentInvocations && _waiting.First is { } next && _budget.TryReserve(next.Value.MemoryMb) is { } reservation)
            {
                _waiting.RemoveFirst();
                next.Value.Node = null;
                RunnerTelemetry.QueuedInvocations.Add(-1);
                _running++;
                next.Value.Grant(reservation);
            }
        }
    }

    /// <summary>A place in the gate: a running slot or a place in the queue. Dispose to give it up.</summary>
    public sealed class Ticket(AdmissionGate gate, int memoryMb, string? key) : IDisposable
    {
        private readonly TaskCompletionSource _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _disposed;

        internal LinkedListNode<Ticket>? Node { get; set; }

        internal int MemoryMb { get; } = memoryMb;

        internal string? Key { get; } = key;

        internal CapacityBudget.Reservation? Reservation { get; private set; }

        /// <summary>Place in the queue when entered; 0 when a slot was free at once.</summary>
        public int Position { get; internal set; }

        public bool IsGranted => _granted.Task.IsCompleted;

        public Task WaitAsync(CancellationToken cancellationToken) => _granted.Task.WaitAsync(cancellationToken);

        internal void Grant(CapacityBudget.Reservation reservation)
        {
            Reservation = reservation;
            Position = 0;
            _granted.TrySetResult();
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Leave(this);
            }
        }
    }
}
