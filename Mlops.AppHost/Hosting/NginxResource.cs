using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Debian's NGINX (on a host with a registry, the nginx image would do) from nginx/mlops.conf.template,
/// rendered into a run folder of its own: the web UI, /api/ and /invoke to the gateway, gRPC to the runner.
/// </summary>
public sealed class NginxResource(string name, IConfiguration configuration) : ProcessResource(name, configuration)
{
    public const string HttpEndpoint = "http";
    public const string GrpcEndpoint = "grpc";

    private string? _runDirectory;

    public Resource? Gateway { get; private set; }

    public Resource? Runner { get; private set; }

    public string? MlflowUri { get; private set; }

    /// <summary>The MLflow container behind /mlflow/, when the app runs one (a published deployment then reaches it by name).</summary>
    public ContainerResource? MlflowContainer { get; private set; }

    public string WebRoot { get; private set; } = Path.Combine(DistributedApplication.RepositoryRoot, "web");

    public NginxResource WithProxyTo(Resource gateway, Resource runner)
    {
        Gateway = gateway;
        Runner = runner;
        WithReference(gateway).WithReference(runner);
        return this;
    }

    public NginxResource WithMlflow(string? uri)
    {
        MlflowUri = string.IsNullOrWhiteSpace(uri) ? null : uri.TrimEnd('/');
        return this;
    }

    /// <summary>The app's MLflow container when it runs one, else the server at <paramref name="uri"/> when one is given.</summary>
    public NginxResource WithMlflow(ContainerResource? container, string? uri)
    {
        MlflowContainer = container;
        return WithMlflow(container?.Endpoints[0].Url ?? uri);
    }

    internal override ProcessStartInfo Prepare(IReadOnlyDictionary<string, string> environment)
    {
        _runDirectory = Directory.CreateTempSubdirectory("mlops-nginx-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(_runDirectory, "conf.d"));
            var templates = Path.Combine(DistributedApplication.RepositoryRoot, "nginx");
            var values = Values(_runDirectory);
            File.WriteAllText(Path.Combine(_runDirectory, "nginx.conf"), ConfigTemplate.Render(File.ReadAllText(Path.Combine(templates, "mlops.conf.template")), values));
            var mlflowConf = MlflowUri is null ? "no-mlflow.conf.template" : "mlflow.conf.template";
            File.WriteAllText(Path.Combine(_runDirectory, "conf.d", "mlflow.conf"), ConfigTemplate.Render(File.ReadAllText(Path.Combine(templates, mlflowConf)), values));
        }
        catch
        {
            // Whoever called us has nothing to clean up with yet.
            Cleanup();
            throw;
        }

        var info = new ProcessStartInfo("nginx");
        foreach (var argument in new[] { "-p", _runDirectory, "-c", Path.Combine(_runDirectory, "nginx.conf"), "-g", "daemon off;" })
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    internal override void Cleanup()
    {
        if (_runDirectory is not null && Directory.Exists(_runDirectory))
        {
            Directory.Delete(_runDirectory, recursive: true);
        }
    }

    /// <summary>The template's values; public so that tests render exactly what the AppHost renders.</summary>
    public Dictionary<string, string> Values(string runDirectory) => new()
    {
        ["NGINX_RUN_DIR"] = runDirectory,
        ["NGINX_EXTRA_CONF_DIR"] = Path.Combine(runDirectory, "conf.d"),
        ["NGINX_MIME_TYPES"] = "/etc/nginx/mime.types",
        ["NGINX_HTTP_LISTEN"] = $"127.0.0.1:{Endpoints.Single(e => e.Name == HttpEndpoint).Port}",
        ["NGINX_GRPC_LISTEN"] = $"127.0.0.1:{Endpoints.Single(e => e.Name == GrpcEndpoint).Port}",
        ["GATEWAY_ADDRESS"] = HostAndPort(Gateway),
        ["RUNNER_ADDRESS"] = HostAndPort(Runner),
        // The gateway's cleartext HTTP/2 port, for the gRPC it serves itself (predictions).
        ["GATEWAY_GRPC_ADDRESS"] = Gateway?.Endpoints.FirstOrDefault(e => e.Http2) is { } grpc ? $"127.0.0.1:{grpc.Port}" : HostAndPort(Gateway),
        ["WEB_ROOT"] = WebRoot,
        ["MLFLOW_URI"] = MlflowUri ?? "",
        ["NGINX_SERVER_NAMES"] = ServerNames,
    };

    /// <summary>The host names the front door answers for (Nginx:ServerNames, space-separated); others get 421.</summary>
    public string ServerNames => Configuration["Nginx:ServerNames"] is { Length: > 0 } names ? names : "localhost 127.0.0.1";

    private static string HostAndPort(Resource? resource) =>
        resource?.Endpoints.FirstOrDefault() is { } endpoint ? $"127.0.0.1:{endpoint.Port}" : throw new StartException("nginx needs a gateway and a runner to proxy to");
}
