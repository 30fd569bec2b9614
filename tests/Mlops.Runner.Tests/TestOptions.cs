using Microsoft.Extensions.Options;
using Mlops.Runner.Capacity;
using Mlops.Runner.Invocations;

namespace Mlops.Runner.Tests;

internal static class TestOptions
{
    public static IOptions<RunnerOptions> Runner(int maxConcurrent = 2, int maxQueue = 2, int history = 100) =>
        Options.Create(new RunnerOptions { MaxConcurrentInvocations = maxConcurrent, MaxQueueLength = maxQueue, HistorySize = history });

    public static IOptions<CapacityOptions> Capacity(int containers = 1000, int memoryMb = 1_000_000, int invocationsPerKey = 100) =>
        Options.Create(new CapacityOptions { MaxContainers = containers, MaxMemoryMb = memoryMb, InvocationsPerKey = invocationsPerKey });

    /// <summary>A gate over a budget of its own (roomy unless <paramref name="capacity"/> says otherwise).</summary>
    public static AdmissionGate Gate(IOptions<RunnerOptions> runner, IOptions<CapacityOptions>? capacity = null)
    {
        capacity ??= Capacity();
        return new AdmissionGate(runner, capacity, new CapacityBudget(capacity));
    }
}
