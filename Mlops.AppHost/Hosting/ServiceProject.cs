namespace Mlops.AppHost.Hosting;

/// <summary>
/// Marks an executable resource as one of this repository's .NET services: which project it is built from, and
/// what only its published (compose) deployment gets — volumes, and environment in place of the host's.
/// </summary>
public sealed class ServiceProjectAnnotation(string projectName) : IResourceAnnotation
{
    public string ProjectName { get; } = projectName;

    /// <summary>Compose volume lines (${VARIABLES} from .env).</summary>
    public List<string> PublishVolumes { get; } = [];

    public Dictionary<string, string> PublishEnvironment { get; } = [];
}
