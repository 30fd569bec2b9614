using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Capacity;

/// <summary>
/// The machine's one budget: every container (an invocation's, a replica's) reserves its place and its memory
/// limit here before it is created, and gives them back once it is removed. A reservation that does not fit
/// is refused at once; the caller waits (an invocation in the queue) or tries again later (a replica).
/// </summary>
public sealed class CapacityBudget
{
    private readonly Lock _sync = new();
    private int _containers;
    private long _memoryMb;

    public CapacityBudget(IOptions<CapacityOptions> options, IMeterFactory? meters = null)
    {
        ContainerLimit = options.Value.ContainerLimit;
        MemoryLimitMb = options.Value.MemoryLimitMb;
        if (meters is not null)
        {
            // The dashboard's view: Aspire charts every instrument of the runner's meter.
            var meter = meters.Create(RunnerTelemetry.Name);
            meter.CreateObservableGauge("mlops.capacity.containers.used", () => Use.Containers, "{container}", "Containers holding a place in the budget");
            meter.CreateObservableGauge("mlops.capacity.containers.limit", () => ContainerLimit, "{container}", "Containers the budget allows");
            meter.CreateObservableGauge("mlops.capacity.memory.used", () => Use.MemoryMb, "MBy", "Memory limits of the containers in the budget, summed");
            meter.CreateObservableGauge("mlops.capacity.memory.limit", () => MemoryLimitMb, "MBy", "Memory the budget allows");
        }
    }

    /// <summary>Raised (outside any lock) after a reservation is given back: someone waiting may fit now.</summary>
    public event Action? Released;

    /// <summary>
    /// Raised when an invocation waits for the budget although a slot is free: what only waits for a call (a pooled
    /// container) should give its place back. Handlers must not block nor call back into the caller.
    /// </summary>
    public event Action? Short;

    /// <summary>Says that an invocation is waiting for room in the budget.</summary>
    public void ReportShort() => Short?.Invoke();

    public int ContainerLimit { get; }

    public long MemoryLimitMb { get; }

    public CapacityUse Use
    {
        get
        {
            lock (_sync)
            {
                return new CapacityUse(_containers, ContainerLimit, _memoryMb, MemoryLimitMb);
            }
        }
    }

    /// <summary>Whether a container of <paramref name="memoryMb"/> could ever fit, were the machine idle.</summary>
    public bool CouldFit(int memoryMb) => memoryMb <= MemoryLimitMb && ContainerLimit > 0;

    /// <summary>A place for one container of <paramref name="memoryMb"/>, or null when it does not fit now.</summary>
    public Reservation? TryReserve(int memoryMb)
    {
        lock (_sync)
        {
            if (_containers + 1 > ContainerLimit || _memoryMb + memoryMb > MemoryLimitMb)
            {
                return null;
            }

            _containers++;
            _memoryMb += memoryMb;
            return new Reservation(this, memoryMb);
        }
    }

    private void Release(int memoryMb)
    {
        lock (_sync)
        {
            _containers--;
            _memoryMb -= memoryMb;
        }

        Released?.Invoke();
    }

    /// <summary>One container's place; dispose it once the container is removed.</summary>
    public sealed class Reservation(CapacityBudget budget, int memoryMb) : IDisposable
    {
        private int _disposed;

        public int MemoryMb { get; } = memoryMb;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                budget.Release(MemoryMb);
            }
        }
    }
}
