using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    /// <summary>Its process died; it is started again after a backoff.</summary>
    Restarting,
    Exited,
    Stopped,
}

/// <summary>Something the app runs, as a child process or a container: its endpoints, what it references and waits for, how to check it.</summary>
public abstract class Resource(string name, IConfiguration configuration)
{
    public string Name { get; } = name;

    protected IConfiguration Configuration { get; } = configuration;

    public List<Endpoint> Endpoints { get; } = [];

    public List<Resource> References { get; } = [];

    public List<Resource> WaitsFor { get; } = [];

    public Dictionary<string, string> Environment { get; } = [];

    public string? HealthPath { get; private set; }

    public ResourceState State { get; set; } = ResourceState.NotStarted;

    /// <summary>The last health probe's answer: healthy, unhealthy, or unknown (no probe, or not running).</summary>
    public string Health { get; set; } = "unknown";

    /// <summary>How often a process was started again after the one before it died.</summary>
    public int Restarts { get; set; }

    /// <summary>A port can be changed with Endpoints:&lt;resource&gt;:&lt;endpoint&gt;=PORT.</summary>
    public Resource WithEndpoint(string endpointName, int port, bool http2 = false)
    {
        Endpoints.Add(new Endpoint(endpointName, Configuration.GetValue($"Endpoints:{Name}:{endpointName}", port), http2));
        return this;
    }

    /// <summary>Passes the other resource's endpoints as services__&lt;name&gt;__&lt;endpoint&gt;__0, as Aspire does.</summary>
    public Resource WithReference(Resource other)
    {
        References.Add(other);
        return this;
    }

    public Resource WaitFor(Resource other)
    {
        WaitsFor.Add(other);
        return this;
    }

    public Resource WithHttpHealthCheck(string path)
    {
        HealthPath = path;
        return this;
    }

    /// <summary>Only in a published deployment: a volume of its container (compose syntax, ${VARIABLES} from .env).</summary>
    public List<string> PublishVolumes { get; } = [];

    /// <summary>Only in a published deployment: environment of its container.</summary>
    public Dictionary<string, string> PublishEnvironment { get; } = [];

    public Resource WithPublishVolume(string volume)
    {
        PublishVolumes.Add(volume);
        return this;
    }

    public Resource WithPublishEnvironment(string name, string value)
    {
        PublishEnvironment[name] = value;
        return this;
    }

    public Resource WithEnvironment(string name, string value)
    {
        Environment[name] = value;
        return this;
    }

    /// <summary>
    /// What a resource that references this one gets besides its endpoints' URLs: variable -> the name of the
    /// endpoint whose URL it holds (e.g. Tracking__MlflowUri -> http), as Aspire's connection strings.
    /// </summary>
    public Dictionary<string, string> ConnectionSettings { get; } = [];

    public Resource WithConnectionSetting(string variable, string endpointName)
    {
        ConnectionSettings[variable] = endpointName;
        return this;
    }

    /// <summary>Removes what was made for a start, once what was started is gone.</summary>
    internal virtual void Cleanup()
    {
    }
}
