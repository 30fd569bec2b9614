using System.Diagnostics;
using System.Text;
using Mlops.AppHost.Hosting;
using Endpoint = Mlops.AppHost.Hosting.Endpoint;

namespace Mlops.AppHost.Publishing;

/// <summary>
/// The app model as docker-compose.yaml + .env, as Aspire's Docker publisher would write it: one service per
/// resource, references as service URLs on the compose network, only NGINX published, on loopback. The
/// runner and gateway images build from the repository with the offline base images when the engine has them.
/// </summary>
internal static class ComposePublisher
{
    private const string SdkImage = "mlops.local/dotnet/sdk:10.0";
    private const string AspnetImage = "mlops.local/dotnet/aspnet:10.0";
    /// <summary>Under /etc/nginx in the nginx image: extra locations such as /mlflow/.</summary>
    private const string NginxExtraConf = "mlops.d";

    public static async Task<int> PublishAsync(IReadOnlyList<Resource> resources, string output, CancellationToken cancellationToken)
    {
        output = Path.GetFullPath(output);
        Directory.CreateDirectory(output);
        var root = DistributedApplication.RepositoryRoot;
        var context = Path.GetRelativePath(output, root);

        var yaml = new StringBuilder()
            .AppendLine("# Written by `dotnet run --project Mlops.AppHost -- publish`: the app the AppHost runs, for a Docker host.")
            .AppendLine("# Start it with `docker compose up --build` (or docker-compose) in this folder; settings are in .env.")
            .AppendLine("name: mlops")
            .AppendLine("services:");
        foreach (var resource in resources)
        {
            yaml.AppendLine($"  {resource.Name}:");
            switch (resource)
            {
                case ProjectResource project:
                    yaml.AppendLine($"    image: mlops/{project.Name}:latest")
                        .AppendLine("    build:")
                        .AppendLine($"      context: {context}")
                        .AppendLine($"      dockerfile: {project.ProjectName}/Dockerfile")
                        .AppendLine("      args:")
                        .AppendLine("        DOTNET_SDK_IMAGE: ${DOTNET_SDK_IMAGE}")
                        .AppendLine("        DOTNET_ASPNET_IMAGE: ${DOTNET_ASPNET_IMAGE}");
                    Environment(yaml, ProjectEnvironment(project));
                    break;
                case NginxResource nginx:
                    yaml.AppendLine("    image: ${NGINX_IMAGE}");
                    Environment(yaml, NginxEnvironment(nginx));
                    yaml.AppendLine("    ports:")
                        .AppendLine($"      - \"127.0.0.1:${{NGINX_HTTP_PORT}}:{Port(nginx, NginxResource.HttpEndpoint)}\"")
                        .AppendLine($"      - \"127.0.0.1:${{NGINX_GRPC_PORT}}:{Port(nginx, NginxResource.GrpcEndpoint)}\"");
                    resource.PublishVolumes.AddRange([
                        $"{Path.Combine(context, "nginx", "mlops.conf.template")}:/etc/nginx/templates/nginx.conf.template:ro",
                        $"{Path.Combine(context, "web")}:/usr/share/mlops/web:ro"]);
                    // The image's template step renders it beside nginx.conf, into the folder the front door includes.
                    var mlflowConf = nginx.MlflowContainer is null ? "no-mlflow.conf.template" : "mlflow.conf.template";
                    resource.PublishVolumes.Add($"{Path.Combine(context, "nginx", mlflowConf)}:/etc/nginx/templates/{NginxExtraConf}/mlflow.conf.template:ro");

                    break;
                case ContainerResource container:
                    ComposeContainer.Write(yaml, container);
                    break;
            }

            if (resource.PublishVolumes.Count > 0)
            {
                yaml.AppendLine("    volumes:");
                foreach (var volume in resource.PublishVolumes)
                {
                    yaml.AppendLine($"      - \"{volume}\"");
                }
            }

            if (resource.WaitsFor.Count > 0)
            {
                yaml.AppendLine("    depends_on:");
                foreach (var dependency in resource.WaitsFor)
                {
                    yaml.AppendLine($"      - {dependency.Name}");
                }
            }

            yaml.AppendLine("    restart: unless-stopped");
        }

        ComposeContainer.WriteVolumes(yaml, resources.OfType<ContainerResource>());

        var nginxResource = resources.OfType<NginxResource>().FirstOrDefault();
        var env = new StringBuilder()
            .AppendLine("# Base images: the offline ones this engine has, else the public ones.")
            .AppendLine($"DOTNET_SDK_IMAGE={await LocalOrAsync(SdkImage, "mcr.microsoft.com/dotnet/sdk:10.0", cancellationToken)}")
            .AppendLine($"DOTNET_ASPNET_IMAGE={await LocalOrAsync(AspnetImage, "mcr.microsoft.com/dotnet/aspnet:10.0", cancellationToken)}")
            .AppendLine("NGINX_IMAGE=nginx:1.27")
            .AppendLine($"NGINX_HTTP_PORT={(nginxResource is null ? 8080 : Port(nginxResource, NginxResource.HttpEndpoint))}")
            .AppendLine($"NGINX_GRPC_PORT={(nginxResource is null ? 8081 : Port(nginxResource, NginxResource.GrpcEndpoint))}")
            .AppendLine("# The runner bind-mounts folders under this path into function containers: it must be the same")
            .AppendLine("# path on the host and in the runner's container.")
            .AppendLine($"MLOPS_DATA_DIR={Path.Combine(output, "data")}")
            .AppendLine($"MLOPS_FUNCTIONS_DIR={Path.Combine(root, "functions")}")
            .AppendLine(nginxResource?.MlflowContainer is null
                ? "# Optional: an MLflow tracking server, an OTLP collector."
                : "# Optional: an OTLP collector. (MLflow is the mlflow service: MLFLOW_URI is not used.)")
            .AppendLine("MLFLOW_URI=")
            .AppendLine("OTEL_EXPORTER_OTLP_ENDPOINT=");
        await File.WriteAllTextAsync(Path.Combine(output, "docker-compose.yaml"), yaml.ToString(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(output, ".env"), env.ToString(), cancellationToken);
        Console.WriteLine($"apphost  | wrote {Path.Combine(output, "docker-compose.yaml")} and .env");
        return 0;
    }

    private static Dictionary<string, string> ProjectEnvironment(ProjectResource project)
    {
        var environment = new Dictionary<string, string>
        {
            ["OTEL_SERVICE_NAME"] = project.Name,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "${OTEL_EXPORTER_OTLP_ENDPOINT}",
            ["Tracking__MlflowUri"] = "${MLFLOW_URI}",
        };
        foreach (var endpoint in project.Endpoints)
        {
            // Inside the compose network every service listens on all interfaces; only NGINX is published.
            environment[$"Kestrel__Endpoints__{endpoint.Name}__Url"] = $"http://0.0.0.0:{endpoint.Port}";
        }

        foreach (var reference in project.References)
        {
            foreach (var endpoint in reference.Endpoints)
            {
                environment[$"services__{reference.Name}__{endpoint.Name}__0"] = ServiceUrl(reference, endpoint);
            }

            foreach (var (variable, endpointName) in reference.ConnectionSettings)
            {
                environment[variable] = ServiceUrl(reference, reference.Endpoints.Single(e => e.Name == endpointName));
            }
        }

        foreach (var (key, value) in project.PublishEnvironment)
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>The template's values, for the nginx image's own template step (it writes /etc/nginx/nginx.conf).</summary>
    private static Dictionary<string, string> NginxEnvironment(NginxResource nginx) => new()
    {
        ["NGINX_ENVSUBST_OUTPUT_DIR"] = "/etc/nginx",
        ["NGINX_RUN_DIR"] = "/tmp",
        ["NGINX_EXTRA_CONF_DIR"] = $"/etc/nginx/{NginxExtraConf}",
        ["NGINX_MIME_TYPES"] = "/etc/nginx/mime.types",
        ["NGINX_HTTP_LISTEN"] = Port(nginx, NginxResource.HttpEndpoint).ToString(),
        ["NGINX_GRPC_LISTEN"] = Port(nginx, NginxResource.GrpcEndpoint).ToString(),
        ["GATEWAY_ADDRESS"] = $"{nginx.Gateway!.Name}:{nginx.Gateway.Endpoints[0].Port}",
        ["GATEWAY_GRPC_ADDRESS"] = $"{nginx.Gateway.Name}:{(nginx.Gateway.Endpoints.FirstOrDefault(e => e.Http2) ?? nginx.Gateway.Endpoints[0]).Port}",
        ["RUNNER_ADDRESS"] = $"{nginx.Runner!.Name}:{nginx.Runner.Endpoints[0].Port}",
        ["WEB_ROOT"] = "/usr/share/mlops/web",
        ["MLFLOW_URI"] = nginx.MlflowContainer is { } mlflow ? ServiceUrl(mlflow, mlflow.Endpoints[0]) : "${MLFLOW_URI}",
        ["NGINX_SERVER_NAMES"] = "${MLOPS_SERVER_NAMES:-localhost 127.0.0.1}",
    };

    private static void Environment(StringBuilder yaml, Dictionary<string, string> environment)
    {
        yaml.AppendLine("    environment:");
        foreach (var (key, value) in environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            yaml.AppendLine($"      {key}: \"{value}\"");
        }
    }

    /// <summary>On the compose network a service is reached by its name, on the port it listens on inside its container.</summary>
    private static string ServiceUrl(Resource resource, Endpoint endpoint) => $"http://{resource.Name}:{endpoint.TargetPort ?? endpoint.Port}";

    private static int Port(Resource resource, string endpoint) => resource.Endpoints.Single(e => e.Name == endpoint).Port;

    private static async Task<string> LocalOrAsync(string local, string fallback, CancellationToken cancellationToken)
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", ["image", "inspect", local]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            await docker.WaitForExitAsync(cancellationToken);
            return docker.ExitCode == 0 ? local : fallback;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No docker CLI on this machine: the public images.
            return fallback;
        }
    }
}
