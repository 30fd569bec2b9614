namespace Mlops.Runner.Endpoints;

public enum ReplicaState
{
    Starting,
    Ready,
    Draining,
    Removed,
    Failed,
}

/// <summary>A replica as the watch stream and the API show it.</summary>
/// <param name="ModelVersion">The resolved version it serves.</param>
/// <param name="Address">How the data plane reaches it (see ReplicaAddress).</param>
/// <param name="Concurrency">Predictions it takes at once (the serving function's concurrency).</param>
public sealed record ReplicaView(
    string Id, ReplicaState State, int ModelVersion, string Address, bool Canary, string? ContainerId, DateTimeOffset StartedAt, string? Reason,
    int InFlight = 0, int Concurrency = 0);
