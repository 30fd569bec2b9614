using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// The repository's services as executable resources, started from their optimised builds (which the AppHost's
/// build makes, see its BuildServices target) rather than through `dotnet run`: no extra SDK process per
/// service, and the data path runs the same binaries whatever the AppHost's own configuration.
/// </summary>
public static class ServiceExecutables
{
    /// <summary>The project's ahead-of-time compiled executable (its Release publish for this machine).</summary>
    public static IResourceBuilder<ExecutableResource> AddNativeService(this IDistributedApplicationBuilder builder, string name, string projectName) =>
        builder.AddService(name, projectName, Path.Combine("bin", "Release", "net10.0", RuntimeInformation.RuntimeIdentifier, "publish", projectName));

    /// <summary>The project's Release build, through its own launcher executable.</summary>
    public static IResourceBuilder<ExecutableResource> AddReleaseService(this IDistributedApplicationBuilder builder, string name, string projectName) =>
        builder.AddService(name, projectName, Path.Combine("bin", "Release", "net10.0", projectName));

    /// <summary>
    /// A named HTTP port on 127.0.0.1, fixed (Ports:&lt;resource&gt;:&lt;name&gt; moves it), without a
    /// proxy in front, handed to the service as its Kestrel endpoint of the same name.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> WithServicePort(this IResourceBuilder<ExecutableResource> service, string portName, int port)
    {
        var chosen = service.ApplicationBuilder.Configuration.Port(service.Resource.Name, portName, port);
        return service
            .WithEndpoint(port: chosen, name: portName, scheme: "http", isProxied: false)
            .WithEndpoint(portName, endpoint => endpoint.TargetHost = Ports.Loopback)
            .WithEnvironment($"Kestrel__Endpoints__{portName}__Url", Ports.LoopbackUrl(chosen));
    }

    /// <summary>
    /// Hands the service every setting of the AppHost's configuration (command line, environment, appsettings)
    /// under these sections, so that `dotnet run --project Mlops.AppHost -- --Runner:MaxQueueLength=8` reaches the
    /// runner.
    /// </summary>
    public static IResourceBuilder<T> WithSettings<T>(this IResourceBuilder<T> service, params string[] sections)
        where T : IResourceWithEnvironment
    {
        var configuration = service.ApplicationBuilder.Configuration;
        return service.WithEnvironment(context =>
        {
            foreach (var section in sections)
            {
                foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
                {
                    if (value is not null)
                    {
                        context.EnvironmentVariables[key.Replace(":", "__", StringComparison.Ordinal)] = value;
                    }
                }
            }
        });
    }

    /// <summary>Only in a published (compose) deployment: a volume of its container.</summary>
    public static IResourceBuilder<ExecutableResource> WithPublishVolume(this IResourceBuilder<ExecutableResource> service, string volume)
    {
        service.Resource.Annotations.OfType<ServiceProjectAnnotation>().Single().PublishVolumes.Add(volume);
        return service;
    }

    /// <summary>Only in a published (compose) deployment: environment of its container.</summary>
    public static IResourceBuilder<ExecutableResource> WithPublishEnvironment(this IResourceBuilder<ExecutableResource> service, string name, string value)
    {
        service.Resource.Annotations.OfType<ServiceProjectAnnotation>().Single().PublishEnvironment[name] = value;
        return service;
    }

    private static IResourceBuilder<ExecutableResource> AddService(this IDistributedApplicationBuilder builder, string name, string projectName, string binary)
    {
        var projectDirectory = Path.Combine(builder.RepositoryRoot(), projectName);
        var executable = Path.Combine(projectDirectory, binary);
        var service = builder.AddExecutable(name, executable, projectDirectory)
            .WithAnnotation(new ServiceProjectAnnotation(projectName))
            .WithServiceTelemetry()
            .WithEnvironment("DOTNET_ENVIRONMENT", "Production");
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.OnBeforeStart((_, _) => File.Exists(executable)
                ? Task.CompletedTask
                : throw new DistributedApplicationException($"{name}: {executable} does not exist; build the AppHost first (dotnet build Mlops.AppHost)"));
        }

        return service;
    }

    /// <summary>
    /// Traces, logs and metrics to the dashboard (with its OTLP key), exported every second or two so that a trace
    /// is there while one looks for it; or, when OTEL_EXPORTER_OTLP_ENDPOINT is set for the AppHost, to that backend.
    /// </summary>
    private static IResourceBuilder<ExecutableResource> WithServiceTelemetry(this IResourceBuilder<ExecutableResource> service)
    {
        var configuration = service.ApplicationBuilder.Configuration;
        if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } external)
        {
            service.WithEnvironment("OTEL_SERVICE_NAME", service.Resource.Name)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", external)
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] ?? "grpc")
                .WithEnvironment("OTEL_EXPORTER_OTLP_HEADERS", configuration["OTEL_EXPORTER_OTLP_HEADERS"] ?? "");
        }
        else
        {
            service.WithOtlpExporter();
        }

        return service
            .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "1000")
            .WithEnvironment("OTEL_BLRP_SCHEDULE_DELAY", "1000")
            .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", "2000");
    }
}
