namespace Mlops.AppHost.Serving;

/// <summary>
/// A serving endpoint of the runner, as the dashboard shows it: not started by Aspire but mirrored from the
/// runner's watch stream, with the commands an operator expects. Its resource id is prefixed so that an
/// endpoint cannot take the name of one of the app's own resources.
/// </summary>
public sealed class ServingEndpointResource(string name) : Resource(name)
{
    public const string Type = "ServingEndpoint";

    public string ResourceId { get; } = $"endpoint-{name}";
}
