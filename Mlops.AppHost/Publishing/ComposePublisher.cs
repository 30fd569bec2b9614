using System.Diagnostics;
using System.Text;
using Mlops.AppHost.Hosting;

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

    public static async Task<string> PublishAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext execution, string output, string root, CancellationToken cancellationToken)
    {
        output = Path.GetFullPath(output);
        Directory.CreateDirectory(output);
        var context = Path.GetRelativePath(output, root);
        var yaml = new StringBuilder()
            .AppendLine("# Written by `dotnet run --project Mlops.AppHost -- publish`: the app the AppHost runs, for a Docker host.")
            .AppendLine("# Start it with `docker compose up --build` (or docker-compose) in this folder; settings are in .env.")
            .AppendLine("name: mlops")
            .AppendLine("services:");
        var volumes = new List<string>();
        foreach (var resource in model.Resources)
        {
            List<string> serviceVolumes = [];
            switch (resource)
            {
                case ExecutableResource when resource.TryGetLastAnnotation<ServiceProjectAnnotation>(out var project):
                    yaml.AppendLine($"  {resource.Name}:")
                        .AppendLine($"    image: mlops/{resource.Name}:latest")
                        .AppendLine("    build:")
                        .AppendLine($"      context: {context}")
                        .AppendLine($"      dockerfile: {project.ProjectName}/Dockerfile")
                        .AppendLine("      args:")
                        .AppendLine("        DOTNET_SDK_IMAGE: ${DOTNET_SDK_IMAGE}")
                        .AppendLine("        DOTNET_ASPNET_IMAGE: ${DOTNET_ASPNET_IMAGE}");
                    ComposeValues.WriteEnvironment(yaml, await ProjectEnvironmentAsync(resource, project, execution, cancellationToken));
                    serviceVolumes.AddRange(project.PublishVolumes);
                    break;
                case NginxResource nginx:
                    yaml.AppendLine($"  {resource.Name}:")
                        .AppendLine("    image: ${NGINX_IMAGE}");
                    ComposeValues.WriteEnvironment(yaml, NginxEnvironment(nginx));
                    yaml.AppendLine("    ports:")
                        .AppendLine($"      - \"127.0.0.1:${{NGINX_HTTP_PORT}}:{NginxResource.PortOf(nginx, NginxResource.HttpPortName)}\"")
                        .AppendLine($"      - \"127.0.0.1:${{NGINX_GRPC_PORT}}:{NginxResource.PortOf(nginx, NginxResource.GrpcPortName)}\"");
                    serviceVolumes.AddRange([
                        $"{Path.Combine(context, "nginx", "mlops.conf.template")}:/etc/nginx/templates/nginx.conf.template:ro",
                        $"{Path.Combine(context, "web")}:/usr/share/mlops/web:ro",
                        // The image's template step renders it beside nginx.conf, into the folder the front door includes.
                        $"{Path.Combine(context, "nginx", nginx.MlflowContainer is null ? "no-mlflow.conf.template" : "mlflow.conf.template")}:/etc/nginx/templates/{NginxExtraConf}/mlflow.conf.template:ro"]);
                    break;
                case ContainerResource container when container.TryGetLastAnnotation<ContainerImageAnnotation>(out var image):
                    yaml.AppendLine($"  {resource.Name}:")
                        .AppendLine($"    image: {ComposeValues.Quoted($"{(image.Registry is { Length: > 0 } registry ? registry + "/" : "")}{image.Image}:{image.Tag}")}");
                    if (await ComposeValues.ArgumentsAsync(container, execution, cancellationToken) is { Count: > 0 } args)
                    {
                        yaml.AppendLine($"    command: [{string.Join(", ", args.Select(ComposeValues.Quoted))}]");
                    }

                    ComposeValues.WriteEnvironment(yaml, await ComposeValues.EnvironmentAsync(container, execution, cancellationToken));
                    var mounts = container.Annotations.OfType<ContainerMountAnnotation>().ToList();
                    serviceVolumes.AddRange(mounts.Select(m => $"{m.Source}:{m.Target}{(m.IsReadOnly ? ":ro" : "")}"));
                    volumes.AddRange(mounts.Where(m => m.Type == ContainerMountType.Volume).Select(m => m.Source!));
                    break;
                default:
                    continue;
            }

            if (serviceVolumes.Count > 0)
            {
                yaml.AppendLine("    volumes:");
                serviceVolumes.ForEach(volume => yaml.AppendLine($"      - \"{volume}\""));
            }

            if (resource.TryGetAnnotationsOfType<WaitAnnotation>(out var waits))
            {
                yaml.AppendLine("    depends_on:");
                foreach (var wait in waits)
                {
                    yaml.AppendLine($"      - {wait.Resource.Name}");
                }
            }

            yaml.AppendLine("    restart: unless-stopped");
        }

        if (volumes.Count > 0)
        {
            // Declared, so that compose keeps them across `down` and `up`.
            yaml.AppendLine("volumes:");
            volumes.Distinct().ToList().ForEach(volume => yaml.AppendLine($"  {volume}:"));
        }

        var nginxResource = model.Resources.OfType<NginxResource>().FirstOrDefault();
        var env = new StringBuilder()
            .AppendLine("# Base images: the offline ones this engine has, else the public ones.")
            .AppendLine($"DOTNET_SDK_IMAGE={await LocalOrAsync(SdkImage, "mcr.microsoft.com/dotnet/sdk:10.0", cancellationToken)}")
            .AppendLine($"DOTNET_ASPNET_IMAGE={await LocalOrAsync(AspnetImage, "mcr.microsoft.com/dotnet/aspnet:10.0", cancellationToken)}")
            .AppendLine("NGINX_IMAGE=nginx:1.27")
            .AppendLine($"NGINX_HTTP_PORT={(nginxResource is null ? 8080 : NginxResource.PortOf(nginxResource, NginxResource.HttpPortName))}")
            .AppendLine($"NGINX_GRPC_PORT={(nginxResource is null ? 8081 : NginxResource.PortOf(nginxResource, NginxResource.GrpcPortName))}")
            .AppendLine("# The runner bind-mounts folders under this path into function containers: it must be the same")
            .AppendLine("# path on the host and in the runner's container.")
            .AppendLine($"MLOPS_DATA_DIR={Path.Combine(output, "data")}")
            .AppendLine($"MLOPS_FUNCTIONS_DIR={Path.Combine(root, "functions")}")
            .AppendLine($"MLOPS_PIPELINES_DIR={Path.Combine(root, "pipelines")}")
            .AppendLine(nginxResource?.MlflowContainer is null
                ? "# Optional: an MLflow tracking server, an OTLP collector."
                : "# Optional: an OTLP collector. (MLflow is the mlflow service: MLFLOW_URI is not used.)")
            .AppendLine("MLFLOW_URI=")
            .AppendLine("OTEL_EXPORTER_OTLP_ENDPOINT=");
        var file = Path.Combine(output, "docker-compose.yaml");
        await File.WriteAllTextAsync(file, yaml.ToString(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(output, ".env"), env.ToString(), cancellationToken);
        return file;
    }

    /// <summary>
    /// What the app model gives the service (references, as service URLs), less what only means something on this
    /// host (its telemetry receiver, loopback listen addresses), plus what a container needs instead.
    /// </summary>
    private static async Task<Dictionary<string, string>> ProjectEnvironmentAsync(IResource resource, ServiceProjectAnnotation project, DistributedApplicationExecutionContext execution, CancellationToken cancellationToken)
    {
        var modelled = await ComposeValues.EnvironmentAsync(resource, execution, cancellationToken);
        var environment = modelled.Where(pair => !pair.Key.StartsWith("OTEL_", StringComparison.Ordinal) && !pair.Key.StartsWith("Kestrel__", StringComparison.Ordinal))
            .ToDictionary(StringComparer.Ordinal);
        environment["OTEL_SERVICE_NAME"] = resource.Name;
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "${OTEL_EXPORTER_OTLP_ENDPOINT}";
        environment.TryAdd("Tracking__MlflowUri", "${MLFLOW_URI}");
        foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
        {
            // Inside the compose network every service listens on all interfaces; only NGINX is published.
            environment[$"Kestrel__Endpoints__{endpoint.Name}__Url"] = $"http://0.0.0.0:{endpoint.Port}";
        }

        foreach (var (key, value) in project.PublishEnvironment)
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>The template's values, for the nginx image's own template step (it writes /etc/nginx/nginx.conf).</summary>
    private static Dictionary<string, string> NginxEnvironment(NginxResource nginx)
    {
        var gateway = nginx.Gateway ?? throw new InvalidOperationException("nginx has no gateway to proxy to");
        var runner = nginx.Runner ?? throw new InvalidOperationException("nginx has no runner to proxy to");
        return new()
        {
            ["NGINX_ENVSUBST_OUTPUT_DIR"] = "/etc/nginx",
            ["NGINX_RUN_DIR"] = "/tmp",
            ["NGINX_EXTRA_CONF_DIR"] = $"/etc/nginx/{NginxExtraConf}",
            ["NGINX_MIME_TYPES"] = "/etc/nginx/mime.types",
            ["NGINX_HTTP_LISTEN"] = NginxResource.PortOf(nginx, NginxResource.HttpPortName).ToString(),
            ["NGINX_GRPC_LISTEN"] = NginxResource.PortOf(nginx, NginxResource.GrpcPortName).ToString(),
            ["GATEWAY_ADDRESS"] = $"{gateway.Name}:{NginxResource.PortOf(gateway, "http")}",
            ["GATEWAY_GRPC_ADDRESS"] = $"{gateway.Name}:{NginxResource.PortOf(gateway, "grpc")}",
            ["RUNNER_ADDRESS"] = $"{runner.Name}:{NginxResource.PortOf(runner, "grpc")}",
            ["WEB_ROOT"] = "/usr/share/mlops/web",
            ["MLFLOW_URI"] = nginx.MlflowContainer is { } mlflow
                ? ComposeValues.ServiceUrl(mlflow, mlflow.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http"))
                : "${MLFLOW_URI}",
            ["NGINX_SERVER_NAMES"] = "${MLOPS_SERVER_NAMES:-localhost 127.0.0.1}",
            ["NGINX_CONNECTIONS_PER_CLIENT"] = nginx.ConnectionsPerClient.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

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
