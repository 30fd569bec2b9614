using System.Security.Cryptography;
using System.Text;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Debian's NGINX (on a host with a registry, the nginx image would do), run as an executable from
/// nginx/mlops.conf.template rendered into a run folder of its own before each start: the web UI, /api/ and
/// /invoke to the gateway, gRPC to the runner, /mlflow/ to MLflow when MLflow is the registry. One process, no
/// master and workers: a worker outlives a master that is killed and keeps its ports, and the orchestrator knows
/// only the process it started. It runs as nobody, as NGINX's workers would.
/// </summary>
public sealed class NginxResource(string name, string runDirectory, string repositoryRoot)
    : ExecutableResource(name, Unprivileged.Command("nginx").Command, runDirectory)
{
    /// <summary>The command line after the command: setpriv's, then NGINX's.</summary>
    public IEnumerable<string> Arguments =>
    [
        .. Unprivileged.Command("nginx").Prefix,
        "-p", RunDirectory, "-c", Path.Combine(RunDirectory, "nginx.conf"), "-g", "daemon off; master_process off;",
    ];

    /// <summary>The names of NGINX's two ports (Aspire endpoint names), as Ports:nginx:&lt;name&gt; moves them.</summary>
    public const string HttpPortName = "http";

    public const string GrpcPortName = "grpc";

    public string RunDirectory { get; } = runDirectory;

    public string RepositoryRoot { get; } = repositoryRoot;

    public string WebRoot => Path.Combine(RepositoryRoot, "web");

    public IResourceWithEndpoints? Gateway { get; set; }

    public IResourceWithEndpoints? Runner { get; set; }

    /// <summary>MLflow's URL as seen from the host, when MLflow is the registry.</summary>
    public string? MlflowUri { get; set; }

    /// <summary>The MLflow container behind /mlflow/, when the app runs one (a published deployment then reaches it by name).</summary>
    public ContainerResource? MlflowContainer { get; set; }

    /// <summary>The host names the front door answers for (space-separated); others get 421.</summary>
    public string ServerNames { get; set; } = "localhost 127.0.0.1";

    /// <summary>Requests one client address may have in progress at once (NGINX's limit_conn); past it, 429.</summary>
    public int ConnectionsPerClient { get; set; } = 100;

    /// <summary>Writes nginx.conf and conf.d/mlflow.conf into the run folder, afresh.</summary>
    public void Render()
    {
        if (Directory.Exists(RunDirectory))
        {
            Directory.Delete(RunDirectory, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(RunDirectory, "conf.d"));
        var templates = Path.Combine(RepositoryRoot, "nginx");
        var values = Values();
        File.WriteAllText(Path.Combine(RunDirectory, "nginx.conf"), ConfigTemplate.Render(File.ReadAllText(Path.Combine(templates, "mlops.conf.template")), values));
        var mlflow = MlflowUri is null ? "no-mlflow.conf.template" : "mlflow.conf.template";
        File.WriteAllText(Path.Combine(RunDirectory, "conf.d", "mlflow.conf"), ConfigTemplate.Render(File.ReadAllText(Path.Combine(templates, mlflow)), values));
        Unprivileged.Own(RunDirectory);
    }

    /// <summary>The template's values; public so that tests render exactly what the AppHost renders.</summary>
    public Dictionary<string, string> Values() => new()
    {
        ["NGINX_RUN_DIR"] = RunDirectory,
        ["NGINX_EXTRA_CONF_DIR"] = Path.Combine(RunDirectory, "conf.d"),
        ["NGINX_MIME_TYPES"] = "/etc/nginx/mime.types",
        ["NGINX_HTTP_LISTEN"] = $"{Ports.Loopback}:{PortOf(this, HttpPortName)}",
        ["NGINX_GRPC_LISTEN"] = $"{Ports.Loopback}:{PortOf(this, GrpcPortName)}",
        ["GATEWAY_ADDRESS"] = $"{Ports.Loopback}:{PortOf(Gateway, "http")}",
        // The gateway's cleartext HTTP/2 port, for the gRPC it serves itself (predictions).
        ["GATEWAY_GRPC_ADDRESS"] = $"{Ports.Loopback}:{PortOf(Gateway, "grpc")}",
        ["RUNNER_ADDRESS"] = $"{Ports.Loopback}:{PortOf(Runner, "grpc")}",
        ["WEB_ROOT"] = WebRoot,
        ["MLFLOW_URI"] = MlflowUri ?? "",
        ["NGINX_SERVER_NAMES"] = ServerNames,
        ["NGINX_CONNECTIONS_PER_CLIENT"] = ConnectionsPerClient.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The run folder of the app whose data is at <paramref name="dataPath"/>: the same one every start, so a killed run leaves none behind.</summary>
    public static string RunDirectoryFor(string dataPath) =>
        Path.Combine(Path.GetTempPath(), "mlops-nginx-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataPath)))[..12]);

    public static int PortOf(IResourceWithEndpoints? resource, string portName) =>
        (resource ?? throw new InvalidOperationException("nginx needs a gateway and a runner to proxy to"))
            .Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == portName).Port
        ?? throw new InvalidOperationException($"{resource.Name}'s port {portName} has no fixed number");
}
