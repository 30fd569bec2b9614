namespace Mlops.Runner.Endpoints;

public enum EndpointState
{
    Pending,
    Ready,
    ScaledToZero,
    Failed,
}

/// <summary>An endpoint as the API and the watch stream show it, with the replicas it wants and the load it carries.</summary>
public sealed record EndpointView(
    EndpointSpec Spec, EndpointState State, string? Message, IReadOnlyList<ReplicaView> Replicas, DateTimeOffset Created, DateTimeOffset Updated,
    int DesiredReplicas = 0, int InFlight = 0, int Waiting = 0);

/// <summary>One change: the endpoint after it, and the replica it was about; or, with no endpoint, the end of the snapshot.</summary>
public sealed record EndpointEvent(EndpointView? Endpoint, bool Deleted, string? ReplicaId, bool Snapshot)
{
    public static readonly EndpointEvent SnapshotDone = new(null, Deleted: false, ReplicaId: null, Snapshot: true);
}

/// <summary>What the data plane reports for one endpoint; <paramref name="ReplicaFaults"/>: replicas it cut off (hung, flooded), with why.</summary>
public sealed record EndpointLoad(
    string Name, int InFlight, int Waiting, IReadOnlyDictionary<string, int> ReplicaInFlight, IReadOnlyDictionary<string, string>? ReplicaFaults = null);
