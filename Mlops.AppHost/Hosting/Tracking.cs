using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Where the runner tracks runs and models (Tracking:Mode): "embedded", its own registry (the default), or
/// "container", an MLflow server the AppHost runs as the container resource <c>mlflow</c> (also: --mlflow).
/// Tracking:MlflowUri, a server of the user's own, reaches the runner with the rest of its Tracking settings.
/// </summary>
public static class Tracking
{
    public const string ModeKey = "Tracking:Mode";
    public const string MlflowUriKey = "Tracking:MlflowUri";
    public const string Embedded = "embedded";
    public const string Container = "container";
    public const string MlflowImage = "ghcr.io/mlflow/mlflow:v2.12.2";
    public const string MlflowVolume = "mlops-mlflow";

    /// <summary>Whether Tracking:Mode asks for the MLflow container; any other value than the two stops the run before it starts, saying what they are.</summary>
    public static bool UsesMlflowContainer(this IDistributedApplicationBuilder builder)
    {
        try
        {
            return UsesMlflowContainer(builder.Configuration[ModeKey]);
        }
        catch (ArgumentException ex)
        {
            builder.FailBeforeStart(ex.Message);
            return false;
        }
    }

    public static bool UsesMlflowContainer(string? mode) =>
        (mode ?? Embedded).ToLowerInvariant() switch
        {
            Embedded => false,
            Container => true,
            var other => throw new ArgumentException(
                $"{ModeKey} is '{other}': it is '{Embedded}' (the runner's registry, the default) or '{Container}' (an MLflow container, as --mlflow)"),
        };

    /// <summary>
    /// The MLflow server of the user's own (Tracking:MlflowUri), if one is set: for the AppHost (command line,
    /// environment, its appsettings.json), or in the runner's own appsettings.json, which the runner reads itself.
    /// </summary>
    public static string? MlflowUri(this IDistributedApplicationBuilder builder)
    {
        try
        {
            return MlflowUri(builder.Configuration, Path.Combine(builder.RepositoryRoot(), "Mlops.Runner", "appsettings.json"));
        }
        catch (ArgumentException ex)
        {
            builder.FailBeforeStart(ex.Message);
            return null;
        }
    }

    public static string? MlflowUri(IConfiguration appHost, string runnerSettings)
    {
        var uri = appHost[MlflowUriKey] is { Length: > 0 } given
            ? given
            : new ConfigurationBuilder().AddJsonFile(runnerSettings, optional: true).Build()[MlflowUriKey];
        if (Uri.TryCreate(uri, UriKind.Absolute, out var address) && address.UserInfo.Length > 0)
        {
            // It would show in the dashboard, NGINX's configuration and every log naming the server.
            throw new ArgumentException($"{MlflowUriKey} carries credentials (user:password@): give the server's address without them");
        }

        return string.IsNullOrWhiteSpace(uri) ? null : uri.TrimEnd('/');
    }

    /// <summary>
    /// MLflow's tracking server from a local image (Tracking:MlflowImage; never pulled: no registry is reachable
    /// here), its store and artifacts on a named volume (Tracking:MlflowVolume) that outlives the container,
    /// serving artifacts itself (the runner moves them through its proxy), published on 127.0.0.1 only.
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddMlflow(this IDistributedApplicationBuilder builder, string name, int port = 5000)
    {
        var reference = builder.Configuration["Tracking:MlflowImage"] is { Length: > 0 } configured ? configured : MlflowImage;
        var (image, tag) = Split(reference);
        var volume = builder.Configuration["Tracking:MlflowVolume"] is { Length: > 0 } named ? named : MlflowVolume;
        var mlflow = builder.AddContainer(name, image, tag)
            .WithImagePullPolicy(ImagePullPolicy.Never)
            .WithEndpoint(port: builder.Configuration.Port(name, "http", port), targetPort: 5000, name: "http", scheme: "http", isProxied: false)
            .WithArgs("mlflow", "server", "--host", "0.0.0.0", "--port", "5000",
                "--backend-store-uri", "sqlite:////mlflow/mlflow.db", "--artifacts-destination", "/mlflow/artifacts", "--serve-artifacts")
            .WithVolume(volume, "/mlflow")
            .WithHttpHealthCheck("/health")
            .RestartsWhenItExits();
        if (builder.ExecutionContext.IsRunMode)
        {
            // Before anything starts, rather than a container that never comes and a runner waiting for it.
            builder.OnBeforeStart((_, cancellationToken) => EnsureImageAsync(reference, cancellationToken));
        }

        return mlflow;
    }

    /// <summary>The runner tracks in the MLflow container: its URL by reference, and it starts once MLflow answers.</summary>
    public static IResourceBuilder<ExecutableResource> WithMlflow(this IResourceBuilder<ExecutableResource> runner, IResourceBuilder<ContainerResource>? mlflow) =>
        mlflow is null ? runner : runner.WithEnvironment("Tracking__MlflowUri", mlflow.GetEndpoint("http")).WaitFor(mlflow);

    private static async Task EnsureImageAsync(string reference, CancellationToken cancellationToken)
    {
        using var inspect = Process.Start(new ProcessStartInfo("docker", ["image", "inspect", "--format", "{{.Id}}", reference])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await inspect.WaitForExitAsync(cancellationToken);
        if (inspect.ExitCode != 0)
        {
            throw new DistributedApplicationException(
                $"""
                mlflow: the image {reference} is not on the Docker engine (no registry is reachable to pull it). Nothing was started.
                To go on, do one of these:
                  - load the image into this engine: `docker load -i mlflow.tar` (made where it can be pulled with `docker pull {reference} && docker save -o mlflow.tar {reference}`), or set Tracking:MlflowImage to an image this engine has;
                  - use an MLflow server you run yourself: without --mlflow, with --Tracking:MlflowUri=http://127.0.0.1:5000 (or Tracking__MlflowUri in the environment);
                  - or run without --mlflow: the runner's embedded registry (SQLite and files under data/) is the default.
                """);
        }
    }

    /// <summary>"registry/name:tag" as name and tag; a reference without a tag is :latest.</summary>
    private static (string Image, string Tag) Split(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
    }
}
