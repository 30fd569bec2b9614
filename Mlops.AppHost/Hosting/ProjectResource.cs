using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Exited,
    Stopped,
}

/// <summary>A .NET project of this repository, run from its build output as a child process.</summary>
public sealed class ProjectResource(string name, string projectName, IConfiguration configuration)
{
    public string Name { get; } = name;

    public string ProjectName { get; } = projectName;

    public List<Endpoint> Endpoints { get; } = [];

    public List<ProjectResource> References { get; } = [];

    public List<ProjectResource> WaitsFor { get; } = [];

    public Dictionary<string, string> Environment { get; } = [];

    public string? HealthPath { get; set; }

    public ResourceState State { get; set; } = ResourceState.NotStarted;

    public ProjectResource WithEndpoint(string endpointName, int port, bool http2 = false)
    {
        Endpoints.Add(new Endpoint(endpointName, configuration.GetValue($"Endpoints:{Name}:{endpointName}", port), http2));
        return this;
    }

    /// <summary>Passes the other resource's endpoints as services__&lt;name&gt;__&lt;endpoint&gt;__0, as Aspire does.</summary>
    public ProjectResource WithReference(ProjectResource other)
    {
        References.Add(other);
        return this;
    }

    public ProjectResource WaitFor(ProjectResource other)
    {
        WaitsFor.Add(other);
        return this;
    }

    public ProjectResource WithHttpHealthCheck(string path)
    {
        HealthPath = path;
        return this;
    }

    public ProjectResource WithEnvironment(string name, string value)
    {
        Environment[name] = value;
        return this;
    }
}
