namespace Mlops.AppHost.Serving;

/// <summary>One replica of a serving endpoint (a container of the runner's), shown as the endpoint's child.</summary>
public sealed class ServingReplicaResource(string name, ServingEndpointResource endpoint) : Resource(name)
{
    public const string Type = "ServingReplica";

    public ServingEndpointResource Endpoint { get; } = endpoint;

    public string ResourceId { get; } = $"replica-{name}";
}
