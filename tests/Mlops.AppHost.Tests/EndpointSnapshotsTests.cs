using Aspire.Hosting.ApplicationModel;
using Mlops.AppHost.Serving;
using Mlops.V1;

namespace Mlops.AppHost.Tests;

/// <summary>How an endpoint from the runner's watch stream reads in the dashboard (pure mapping).</summary>
public sealed class EndpointSnapshotsTests
{
    private static readonly CustomResourceSnapshot Empty = new() { ResourceType = "", Properties = [] };

    private static Endpoint Iris(params Replica[] replicas)
    {
        var endpoint = new Endpoint
        {
            Name = "iris", Function = "predict", ModelName = "iris_model", ModelVersion = "@champion", MinReplicas = 1, MaxReplicas = 4,
            CanaryModelVersion = "4", CanaryPercent = 10, State = EndpointState.Ready, DesiredReplicas = 3, InFlight = 7, Waiting = 2,
        };
        endpoint.Replicas.AddRange(replicas);
        return endpoint;
    }

    private static Replica Replica(string id, ReplicaState state, string version, bool canary = false, int inFlight = 0) =>
        new() { Id = id, State = state, ModelVersion = version, Canary = canary, InFlight = inFlight, ContainerId = "c-" + id };

    private static object? Property(CustomResourceSnapshot snapshot, string name) => snapshot.Properties.Single(p => p.Name == name).Value;

    [Fact]
    public void Endpoint_ShowsItsStateReplicasAndLoad_AndTheVersionsItsReadyReplicasServe()
    {
        var endpoint = Iris(Replica("a", ReplicaState.Ready, "3"), Replica("b", ReplicaState.Starting, "3"), Replica("c", ReplicaState.Ready, "2"),
            Replica("d", ReplicaState.Ready, "4", canary: true));

        var snapshot = EndpointSnapshots.Endpoint(Empty, endpoint, "http://127.0.0.1:8080");

        Assert.Equal((ServingEndpointResource.Type, "Ready", KnownResourceStateStyles.Success), (snapshot.ResourceType, snapshot.State!.Text, snapshot.State.Style));
        Assert.Equal("3, 2", Property(snapshot, "endpoint.serving"));
        Assert.Equal("4 (10%): serving 4", Property(snapshot, "endpoint.canary"));
        Assert.Equal((3, 3), (Property(snapshot, "replicas.desired"), Property(snapshot, "replicas.ready")));
        Assert.Equal((7, 2), (Property(snapshot, "predictions.inFlight"), Property(snapshot, "predictions.waiting")));
        Assert.Equal("iris_model @champion", Property(snapshot, "endpoint.model"));
        Assert.Equal("http://127.0.0.1:8080/endpoints/iris/predict", Assert.Single(snapshot.Urls).Url);
        Assert.False(snapshot.IsHidden);
    }

    [Fact]
    public void Endpoint_WithoutAReadyReplica_ServesNone()
    {
        var endpoint = Iris(Replica("a", ReplicaState.Starting, "3"));
        endpoint.State = EndpointState.Pending;

        var snapshot = EndpointSnapshots.Endpoint(Empty, endpoint, "http://127.0.0.1:8080");

        Assert.Equal(("Pending", "none"), (snapshot.State!.Text, Property(snapshot, "endpoint.serving")));
    }

    [Fact]
    public void Replica_IsAChildOfItsEndpoint_WithItsVersionAndLoad_AndHiddenOnceRemoved()
    {
        var endpoint = new ServingEndpointResource("iris");

        var ready = EndpointSnapshots.Replica(Empty, Replica("a", ReplicaState.Ready, "3", inFlight: 5), endpoint);
        var removed = EndpointSnapshots.Replica(Empty, Replica("a", ReplicaState.Removed, "3"), endpoint);

        Assert.Equal("endpoint-iris", Property(ready, EndpointSnapshots.ParentName));
        Assert.Equal(("3", 5, "c-a"), (Property(ready, "replica.modelVersion"), Property(ready, "predictions.inFlight"), Property(ready, "container.id")));
        Assert.False(ready.IsHidden);
        Assert.True(removed.IsHidden);
    }
}
