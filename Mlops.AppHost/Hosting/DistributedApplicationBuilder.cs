using Microsoft.Extensions.Configuration;
using Mlops.AppHost.Telemetry;
using Mlops.AppHost.Telemetry.Metrics;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Collects the resources. Endpoint ports can be overridden from the command line or the environment:
/// Endpoints:&lt;resource&gt;:&lt;endpoint&gt;=PORT (e.g. --Endpoints:gateway:http=6080).
/// </summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];
    private readonly List<string> _configurationErrors = [];
    private readonly IConfiguration _configuration;

    internal DistributedApplicationBuilder(string[] args)
    {
        _configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(Tracking.ExpandSwitches(args))
            .Build();
    }

    public ProjectResource AddProject(string name, string projectName)
    {
        var resource = new ProjectResource(name, projectName, _configuration);
        _resources.Add(resource);
        return resource;
    }

    /// <summary>Any resource, as Aspire's AddResource: what the Add* methods do after making theirs.</summary>
    public T AddResource<T>(T resource)
        where T : Resource
    {
        _resources.Add(resource);
        return resource;
    }

    /// <summary>An image run as a container on the Docker engine, as Aspire's AddContainer.</summary>
    public ContainerResource AddContainer(string name, string image, string tag = "latest")
    {
        return AddResource(new ContainerResource(name, image, tag, _configuration));
    }

    public IConfiguration Configuration => _configuration;

    /// <summary>A setting the model cannot be built from: the run then stops before anything starts, saying so.</summary>
    public void AddConfigurationError(string message) => _configurationErrors.Add(message);

    /// <summary>Where keys.db and secrets/ live for every service (Auth:DataPath), by default the repository's data/.</summary>
    public string DataPath => Path.GetFullPath(_configuration["Auth:DataPath"] is { Length: > 0 } path ? path : Path.Combine(DistributedApplication.RepositoryRoot, "data"));

    public NginxResource AddNginx(string name, int port, int grpcPort)
    {
        var resource = new NginxResource(name, _configuration);
        resource.WithEndpoint(NginxResource.HttpEndpoint, port).WithEndpoint(NginxResource.GrpcEndpoint, grpcPort, http2: true);
        _resources.Add(resource);
        return resource;
    }

    public DistributedApplication Build()
    {
        var dashboardPort = _configuration.GetValue("Endpoints:dashboard:http", 18888);
        var otlpPort = _configuration.GetValue("Endpoints:dashboard:otlp", 4318);
        var console = new ConsoleLog();
        var external = _configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } endpoint ? endpoint : null;
        var dashboard = new Dashboard(dashboardPort, otlpPort, console, new TelemetryStore(), new MetricStore(), DashboardAccess.From(_configuration));
        return new DistributedApplication(_resources, dashboard, console, external, DataPath, ContainerRuntime.Create(), _configurationErrors);
    }
}
