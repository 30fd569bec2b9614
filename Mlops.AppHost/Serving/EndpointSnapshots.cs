using System.Collections.Immutable;
using Mlops.V1;

namespace Mlops.AppHost.Serving;

/// <summary>How an endpoint and its replicas read in the dashboard: state, what they serve, replicas and load.</summary>
public static class EndpointSnapshots
{
    /// <summary>The property the dashboard nests a resource under its parent by (the parent's resource id).</summary>
    public const string ParentName = "resource.parentName";

    public static CustomResourceSnapshot Endpoint(CustomResourceSnapshot previous, Endpoint endpoint, string frontDoor)
    {
        var ready = endpoint.Replicas.Count(r => r.State == ReplicaState.Ready);
        var serving = Versions(endpoint, canary: false);
        var canary = Versions(endpoint, canary: true);
        return previous with
        {
            ResourceType = ServingEndpointResource.Type,
            State = State(endpoint.State),
            IsHidden = false,
            CreationTimeStamp = endpoint.CreatedTime?.ToDateTime(),
            StartTimeStamp = endpoint.CreatedTime?.ToDateTime(),
            Properties =
            [
                new(CustomResourceKnownProperties.Source, $"{endpoint.Function}: {endpoint.ModelName} {endpoint.ModelVersion}"),
                new("endpoint.function", endpoint.Function) { DisplayName = "Serving function" },
                new("endpoint.model", $"{endpoint.ModelName} {endpoint.ModelVersion}") { DisplayName = "Model (as asked for)" },
                new("endpoint.serving", serving) { DisplayName = "Model version served", IsHighlighted = true },
                new("endpoint.canary", endpoint.CanaryPercent > 0 ? $"{endpoint.CanaryModelVersion} ({endpoint.CanaryPercent}%): serving {canary}" : "none") { DisplayName = "Canary" },
                new("replicas.desired", endpoint.DesiredReplicas) { DisplayName = "Replicas wanted", IsHighlighted = true },
                new("replicas.ready", ready) { DisplayName = "Replicas ready", IsHighlighted = true },
                new("replicas.bounds", $"{endpoint.MinReplicas}-{endpoint.MaxReplicas}") { DisplayName = "Replicas (min-max)" },
                new("predictions.inFlight", endpoint.InFlight) { DisplayName = "Predictions in flight", IsHighlighted = true },
                new("predictions.waiting", endpoint.Waiting) { DisplayName = "Predictions waiting" },
                new("endpoint.message", endpoint.Message) { DisplayName = "Message" },
            ],
            Urls = [new UrlSnapshot("predict", $"{frontDoor}/endpoints/{endpoint.Name}/predict", IsInternal: false)],
        };
    }

    public static CustomResourceSnapshot Replica(CustomResourceSnapshot previous, Replica replica, ServingEndpointResource endpoint) => previous with
    {
        ResourceType = ServingReplicaResource.Type,
        State = State(replica.State),
        IsHidden = replica.State == ReplicaState.Removed,
        StartTimeStamp = replica.StartedTime?.ToDateTime(),
        Properties =
        [
            new(ParentName, endpoint.ResourceId),
            new(CustomResourceKnownProperties.Source, $"model version {replica.ModelVersion}{(replica.Canary ? " (canary)" : "")}"),
            new("replica.modelVersion", replica.ModelVersion) { DisplayName = "Model version", IsHighlighted = true },
            new("replica.canary", replica.Canary) { DisplayName = "Canary" },
            new("predictions.inFlight", replica.InFlight) { DisplayName = "Predictions in flight", IsHighlighted = true },
            new("container.id", replica.ContainerId) { DisplayName = "Container" },
            new("replica.address", replica.Address) { DisplayName = "Address" },
            new("replica.reason", replica.Reason) { DisplayName = "Reason" },
        ],
    };

    /// <summary>What is left of a deleted endpoint, or a replica no longer listed: hidden (the dashboard's "show hidden" still finds it).</summary>
    public static CustomResourceSnapshot Gone(CustomResourceSnapshot previous, string state) => previous with
    {
        State = new ResourceStateSnapshot(state, KnownResourceStateStyles.Info),
        IsHidden = true,
        StopTimeStamp = DateTime.UtcNow,
    };

    /// <summary>The model versions the endpoint's ready replicas serve, newest first ("none" while none is ready).</summary>
    public static string Versions(Endpoint endpoint, bool canary)
    {
        var versions = endpoint.Replicas.Where(r => r.Canary == canary && r.State == ReplicaState.Ready)
            .Select(r => r.ModelVersion).Distinct().OrderByDescending(v => int.TryParse(v, out var n) ? n : 0).ToList();
        return versions.Count == 0 ? "none" : string.Join(", ", versions);
    }

    private static ResourceStateSnapshot State(EndpointState state) => state switch
    {
        EndpointState.Ready => new("Ready", KnownResourceStateStyles.Success),
        EndpointState.Pending => new("Pending", KnownResourceStateStyles.Info),
        EndpointState.ScaledToZero => new("Scaled to zero", KnownResourceStateStyles.Info),
        EndpointState.Failed => new("Failed", KnownResourceStateStyles.Error),
        _ => new("Unknown", KnownResourceStateStyles.Warn),
    };

    private static ResourceStateSnapshot State(ReplicaState state) => state switch
    {
        ReplicaState.Starting => new("Starting", KnownResourceStateStyles.Info),
        ReplicaState.Ready => new("Ready", KnownResourceStateStyles.Success),
        ReplicaState.Draining => new("Draining", KnownResourceStateStyles.Warn),
        ReplicaState.Removed => new("Removed", KnownResourceStateStyles.Info),
        ReplicaState.Failed => new("Failed", KnownResourceStateStyles.Error),
        _ => new("Unknown", KnownResourceStateStyles.Warn),
    };
}
