using Mlops.Runner.Capacity;

namespace Mlops.Runner.Reporting;

/// <summary>What the runner says about itself: its engine, its queue, its capacity, its tracking backend and its functions.</summary>
/// <param name="Quotas">What one key may take of <paramref name="Capacity"/>.</param>
public sealed record StatusReport(
    EngineReport Engine,
    string RegistryBackend,
    int OutboxTrainings,
    int RunningInvocations,
    int QueuedInvocations,
    int MaxConcurrentInvocations,
    int MaxQueueLength,
    CapacityUse Capacity,
    CapacityOptions Quotas,
    IReadOnlyList<FunctionReport> Functions);
