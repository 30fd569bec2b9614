using Google.Protobuf.WellKnownTypes;
using Mlops.Runner.Endpoints;
using V1 = Mlops.V1;

namespace Mlops.Runner.Grpc;

/// <summary>Endpoint records <-> wire messages.</summary>
internal static class EndpointMapper
{
    public static EndpointSpec ToSpec(V1.PutEndpointRequest request) => EndpointSpec.Validated(
        request.Name, request.Function, request.ModelName, request.ModelVersion, request.MinReplicas, request.MaxReplicas,
        request.TargetConcurrency, request.IdleSeconds, request.CanaryModelVersion, request.CanaryPercent);

    public static EndpointLoad ToLoad(V1.EndpointLoad load) =>
        new(load.Name, load.InFlight, load.Waiting, load.ReplicaInFlight.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal),
            load.ReplicaFaults.Count == 0 ? null : load.ReplicaFaults.ToDictionary(pair => pair.Key, pair => Bounded.Text(pair.Value), StringComparer.Ordinal));

    public static V1.Endpoint ToProto(EndpointView view)
    {
        var spec = view.Spec;
        var endpoint = new V1.Endpoint
        {
            Name = spec.Name,
            Function = spec.Function,
            ModelName = spec.ModelName,
            ModelVersion = spec.ModelVersion,
            MinReplicas = spec.MinReplicas,
            MaxReplicas = spec.MaxReplicas,
            TargetConcurrency = spec.TargetConcurrency,
            IdleSeconds = spec.IdleSeconds,
            CanaryModelVersion = spec.CanaryModelVersion ?? "",
            CanaryPercent = spec.CanaryPercent,
            State = view.State switch
            {
                EndpointState.Pending => V1.EndpointState.Pending,
                EndpointState.Ready => V1.EndpointState.Ready,
                EndpointState.ScaledToZero => V1.EndpointState.ScaledToZero,
                EndpointState.Failed => V1.EndpointState.Failed,
                _ => V1.EndpointState.Unspecified,
            },
            Message = Bounded.Text(view.Message),
            CreatedTime = Timestamp.FromDateTimeOffset(view.Created),
            UpdatedTime = Timestamp.FromDateTimeOffset(view.Updated),
            DesiredReplicas = view.DesiredReplicas,
            InFlight = view.InFlight,
            Waiting = view.Waiting,
        };
        endpoint.Replicas.AddRange(view.Replicas.Select(ToProto));
        return endpoint;
    }

    public static V1.EndpointEvent ToProto(EndpointEvent change) => change.Endpoint is { } endpoint
        ? new() { Endpoint = ToProto(endpoint), Deleted = change.Deleted, ReplicaId = change.ReplicaId ?? "", Snapshot = change.Snapshot }
        : new() { SnapshotDone = true };

    private static V1.Replica ToProto(ReplicaView replica) => new()
    {
        Id = replica.Id,
        State = replica.State switch
        {
            ReplicaState.Starting => V1.ReplicaState.Starting,
            ReplicaState.Ready => V1.ReplicaState.Ready,
            ReplicaState.Draining => V1.ReplicaState.Draining,
            ReplicaState.Removed => V1.ReplicaState.Removed,
            ReplicaState.Failed => V1.ReplicaState.Failed,
            _ => V1.ReplicaState.Unspecified,
        },
        ModelVersion = replica.ModelVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Address = replica.Address,
        Canary = replica.Canary,
        ContainerId = replica.ContainerId ?? "",
        StartedTime = Timestamp.FromDateTimeOffset(replica.StartedAt),
        Reason = Bounded.Text(replica.Reason),
        InFlight = replica.InFlight,
        Concurrency = replica.Concurrency,
    };

    /// <summary>Messages travel in every watch event: a crash's last line must not make them huge.</summary>

}
