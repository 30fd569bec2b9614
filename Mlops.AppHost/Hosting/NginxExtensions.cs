using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mlops.AppHost.Hosting;

public static class NginxExtensions
{
    /// <summary>The front door on 127.0.0.1: HTTP (web UI, REST) and cleartext HTTP/2 (gRPC clients), at fixed ports.</summary>
    public static IResourceBuilder<NginxResource> AddNginx(this IDistributedApplicationBuilder builder, string name, int httpPort, int grpcPort)
    {
        var nginx = new NginxResource(name, NginxResource.RunDirectoryFor(builder.DataPath()), builder.RepositoryRoot());
        if (builder.Configuration["Nginx:ServerNames"] is { Length: > 0 } names)
        {
            nginx.ServerNames = names;
        }

        if (builder.Configuration["Nginx:ConnectionsPerClient"] is { Length: > 0 } connections)
        {
            nginx.ConnectionsPerClient = int.TryParse(connections, out var limit) && limit > 0
                ? limit
                : throw new InvalidOperationException($"Nginx:ConnectionsPerClient must be a whole number of at least 1 (it is '{connections}')");
        }

        var resource = builder.AddResource(nginx)
            .WithArgs([.. nginx.Arguments])
            .WithEndpoint(port: builder.Configuration.Port(name, NginxResource.HttpPortName, httpPort), name: NginxResource.HttpPortName, scheme: "http", isProxied: false)
            .WithEndpoint(port: builder.Configuration.Port(name, NginxResource.GrpcPortName, grpcPort), name: NginxResource.GrpcPortName, scheme: "http", isProxied: false)
            .WithEndpoint(NginxResource.HttpPortName, endpoint => endpoint.TargetHost = Ports.Loopback)
            .WithEndpoint(NginxResource.GrpcPortName, endpoint => endpoint.TargetHost = Ports.Loopback)
            .OnBeforeResourceStarted((front, _, _) =>
            {
                front.Render();
                return Task.CompletedTask;
            });
        if (builder.ExecutionContext.IsRunMode)
        {
            // The rendered configuration goes with the app; a killed run's is replaced at the next start.
            builder.Services.AddHostedService(services => new RunDirectoryCleanup(nginx.RunDirectory, services.GetRequiredService<IHostApplicationLifetime>()));
        }

        return resource;
    }

    public static IResourceBuilder<NginxResource> WithProxyTo(this IResourceBuilder<NginxResource> nginx, IResourceBuilder<ExecutableResource> gateway, IResourceBuilder<ExecutableResource> runner)
    {
        nginx.Resource.Gateway = gateway.Resource;
        nginx.Resource.Runner = runner.Resource;
        return nginx.WithReferenceRelationship(gateway.Resource).WithReferenceRelationship(runner.Resource);
    }

    /// <summary>/mlflow/ to the app's MLflow container when it runs one, else to the server at <paramref name="uri"/> when one is given.</summary>
    public static IResourceBuilder<NginxResource> WithMlflow(this IResourceBuilder<NginxResource> nginx, IResourceBuilder<ContainerResource>? container, string? uri)
    {
        nginx.Resource.MlflowContainer = container?.Resource;
        nginx.Resource.MlflowUri = container is null
            ? uri
            : Ports.LoopbackUrl(NginxResource.PortOf(container.Resource, "http"));
        return container is null ? nginx : nginx.WithReferenceRelationship(container.Resource);
    }

    /// <summary>Deletes a run folder once the app has stopped (its resources with it).</summary>
    private sealed class RunDirectoryCleanup(string directory, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStopped.Register(() =>
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
