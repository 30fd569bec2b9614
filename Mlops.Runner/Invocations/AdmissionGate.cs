using Mlops.Runner.Diagnostics;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Bounds the containers that run at once. Invocations beyond the limit wait in FIFO order; beyond the
/// queue's length they are refused at once, before anything is started for them.
/// </summary>
public sealed class AdmissionGate(IOptions<RunnerOptions> options)
{
    private readonly Lock _sync = new();
    private readonly LinkedList<Ticket> _waiting = new();
    private int _running;

    public int Running
    {
        get { lock (_sync) { return _running; } }
    }

    public int Queued
    {
        get { lock (_sync) { return _waiting.Count; } }
    }

    /// <exception cref="RunnerException">ResourceExhausted when every slot is taken and the queue is full.</exception>
    public Ticket Enter()
    {
        lock (_sync)
        {
            var ticket = new Ticket(this);
            if (_running < options.Value.MaxConcurrentInvocations && _waiting.Count == 0)
            {
                _running++;
                ticket.Grant(position: 0);
                return ticket;
            }

            if (_waiting.Count >= options.Value.MaxQueueLength)
            {
                throw new RunnerException(ErrorKind.ResourceExhausted,
                    $"the runner is at capacity: {_running} invocation(s) running and {_waiting.Count} waiting; try again later");
            }

            ticket.Node = _waiting.AddLast(ticket);
            ticket.Position = _waiting.Count;
            RunnerTelemetry.QueuedInvocations.Add(1);
            return ticket;
        }
    }

    private void Leave(Ticket ticket)
    {
        lock (_sync)
        {
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
            while (_running < options.Value.MaxConcurrentInvocations && _waiting.First is { } next)
            {
                _waiting.RemoveFirst();
                next.Value.Node = null;
                RunnerTelemetry.QueuedInvocations.Add(-1);
                _running++;
                next.Value.Grant(position: 0);
            }
        }
    }

    /// <summary>A place in the gate: a running slot or a place in the queue. Dispose to give it up.</summary>
    public sealed class Ticket(AdmissionGate gate) : IDisposable
    {
        private readonly TaskCompletionSource _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _disposed;

        internal LinkedListNode<Ticket>? Node { get; set; }

        /// <summary>Place in the queue when entered; 0 when a slot was free at once.</summary>
        public int Position { get; internal set; }

        public bool IsGranted => _granted.Task.IsCompleted;

        public Task WaitAsync(CancellationToken cancellationToken) => _granted.Task.WaitAsync(cancellationToken);

        internal void Grant(int position)
        {
            Position = position;
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
