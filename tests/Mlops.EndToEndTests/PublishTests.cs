using static Mlops.EndToEndTests.CommandLine;

namespace Mlops.EndToEndTests;

/// <summary>The AppHost's publish mode: a docker-compose app whose images build offline and run.</summary>
public sealed class PublishTests : IAsyncLifetime
{
    private readonly string _output = Directory.CreateTempSubdirectory("mlops-publish-").FullName;
    private readonly string _tag = Guid.NewGuid().ToString("N")[..12];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        await RunAsync("docker", "rmi", "-f", $"mlops-publish-test/runner:{_tag}", $"mlops-publish-test/gateway:{_tag}");
        // The build stages of these images, labelled as the runner labels function build stages.
        var stages = (await RunAsync("docker", "images", "-q", "--filter", "dangling=true", "--filter", "label=mlops.build-stage=runner")).Output
            + (await RunAsync("docker", "images", "-q", "--filter", "dangling=true", "--filter", "label=mlops.build-stage=gateway")).Output;
        foreach (var id in stages.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct())
        {
            await RunAsync("docker", "rmi", "-f", id);
        }
    }

    [Fact]
    public async Task Publish_WritesAComposeAppWhoseImagesBuildOfflineAndRun()
    {
        var publish = await RunAsync("dotnet", AppHostAssembly(), "publish", "--output", _output);

        Assert.Equal(0, publish.ExitCode);
        var compose = await File.ReadAllTextAsync(Path.Combine(_output, "docker-compose.yaml"));
        var env = (await File.ReadAllLinesAsync(Path.Combine(_output, ".env"))).Where(l => l.Contains('=') && !l.StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);
        foreach (var service in new[] { "runner:", "gateway:", "nginx:" })
        {
            Assert.Contains($"  {service}", compose);
        }

        Assert.Contains("\"127.0.0.1:${NGINX_HTTP_PORT}:8080\"", compose);
        Assert.Single(compose.Split('\n'), line => line.Contains("ports:"));
        Assert.Contains("/var/run/docker.sock:/var/run/docker.sock", compose);
        Assert.Contains("services__runner__grpc__0: \"http://runner:5081\"", compose);
        Assert.Contains("Auth__DataPath: \"${MLOPS_DATA_DIR}\"", compose);
        Assert.Equal("mlops.local/dotnet/sdk:10.0", env["DOTNET_SDK_IMAGE"]);
        Assert.Equal("mlops.local/dotnet/aspnet:10.0", env["DOTNET_ASPNET_IMAGE"]);

        // What `docker compose build` does with these files, with the classic builder and no registry.
        foreach (var project in new[] { "runner", "gateway" })
        {
            var build = await RunAsync("docker", "build", "-q", "-f", Path.Combine(RepositoryPaths.Root, $"Mlops.{char.ToUpperInvariant(project[0])}{project[1..]}", "Dockerfile"),
                "--build-arg", $"DOTNET_SDK_IMAGE={env["DOTNET_SDK_IMAGE"]}", "--build-arg", $"DOTNET_ASPNET_IMAGE={env["DOTNET_ASPNET_IMAGE"]}",
                "-t", $"mlops-publish-test/{project}:{_tag}", RepositoryPaths.Root);
            Assert.True(build.ExitCode == 0, $"building the {project} image failed:\n{build.Output}");
        }

        // The gateway image starts and listens (no network needed to start); compose gives it the data volume.
        var run = await RunAsync("timeout", "20", "docker", "run", "--rm", "--network", "none", "--name", $"mlops-publish-test-{_tag}",
            "-e", "Kestrel__Endpoints__http__Url=http://0.0.0.0:5080", "-e", "Auth__DataPath=/tmp/mlops-data", "--stop-timeout", "2", $"mlops-publish-test/gateway:{_tag}");
        await RunAsync("docker", "rm", "-f", $"mlops-publish-test-{_tag}");
        Assert.Contains("Now listening on: http://0.0.0.0:5080", run.Output);
    }

    [Fact]
    public async Task Publish_RestartsEveryServiceUnlessStopped_AsTheAppHostDoes()
    {
        var publish = await RunAsync("dotnet", AppHostAssembly(), "publish", "--output", _output);

        Assert.Equal(0, publish.ExitCode);
        var compose = await File.ReadAllLinesAsync(Path.Combine(_output, "docker-compose.yaml"));
        var services = compose.SkipWhile(l => l != "services:").Skip(1).Where(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith("   ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["  runner:", "  gateway:", "  nginx:"], services);
        Assert.Equal(services.Count, compose.Count(l => l == "    restart: unless-stopped"));
    }

    [Fact]
    public async Task Publish_WithMlflow_WritesTheMlflowServiceItsVolumeAndItsRouteThroughTheFrontDoor()
    {
        var publish = await RunAsync("dotnet", AppHostAssembly(), "publish", "--output", _output, "--mlflow");

        Assert.True(publish.ExitCode == 0, publish.Output);
        var compose = await File.ReadAllTextAsync(Path.Combine(_output, "docker-compose.yaml"));
        Assert.Contains("""
              mlflow:
                image: "ghcr.io/mlflow/mlflow:v2.12.2"
                command: ["mlflow", "server", "--host", "0.0.0.0", "--port", "5000", "--backend-store-uri", "sqlite:////mlflow/mlflow.db", "--artifacts-destination", "/mlflow/artifacts", "--serve-artifacts"]
                volumes:
                  - "mlops-mlflow:/mlflow"
            """.ReplaceLineEndings("\n"), compose);
        Assert.EndsWith("volumes:\n  mlops-mlflow:\n", compose);
        // The runner gets it by reference, the front door routes /mlflow/ to it; still only NGINX is published.
        Assert.Contains("Tracking__MlflowUri: \"http://mlflow:5000\"", compose);
        Assert.Contains("MLFLOW_URI: \"http://mlflow:5000\"", compose);
        Assert.Contains("nginx/mlflow.conf.template:/etc/nginx/templates/mlops.d/mlflow.conf.template:ro", compose);
        Assert.Contains("NGINX_EXTRA_CONF_DIR: \"/etc/nginx/mlops.d\"", compose);
        Assert.Single(compose.Split('\n'), line => line.Contains("ports:"));
    }

    private static string AppHostAssembly() =>
        Path.Combine(RepositoryPaths.Root, "Mlops.AppHost", "bin", RepositoryPaths.Configuration, "net10.0", "Mlops.AppHost.dll");
}
