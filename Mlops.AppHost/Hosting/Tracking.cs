using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Where the runner tracks runs and models (Tracking:Mode): "embedded", its own registry (the default), or
/// "container", an MLflow server the AppHost runs as the container resource <c>mlflow</c> (also: --mlflow).
/// Tracking:MlflowUri, for a server of the user's own, is read by the runner itself.
/// </summary>
public static class Tracking
{
    public const string Embedded = "embedded";
    public const string Container = "container";
    public const string MlflowImage = "ghcr.io/mlflow/mlflow:v2.12.2";
    public const string MlflowVolume = "mlops-mlflow";
    private const string Switch = "--mlflow";

    /// <summary>The command line with --mlflow spelled as the setting it stands for (a bare switch is not a key=value pair).</summary>
    public static string[] ExpandSwitches(string[] args) =>
        args.Select(a => a == Switch ? $"--Tracking:Mode={Container}" : a).ToArray();

    /// <summary>Whether Tracking:Mode asks for the MLflow container; any other value than the two stops the app before it starts.</summary>
    public static bool UsesMlflowContainer(this DistributedApplicationBuilder builder)
    {
        switch ((builder.Configuration["Tracking:Mode"] ?? Embedded).ToLowerInvariant())
        {
            case Embedded:
                return false;
            case Container:
                return true;
            case var other:
                builder.AddConfigurationError($"Tracking:Mode is '{other}': it is '{Embedded}' (the runner's registry, the default) or '{Container}' (an MLflow container, as --mlflow)");
                return false;
        }
    }

    /// <summary>
    /// MLflow's tracking server from its image (Tracking:MlflowImage), its store and artifacts on a named volume
    /// (Tracking:MlflowVolume) that outlives the container, serving artifacts itself (the runner moves them
    /// through its proxy). Whoever references it gets Tracking__MlflowUri.
    /// </summary>
    public static ContainerResource AddMlflow(this DistributedApplicationBuilder builder, string name, int port = 5000)
    {
        var (image, tag) = Split(builder.Configuration["Tracking:MlflowImage"] is { Length: > 0 } configured ? configured : MlflowImage);
        var volume = builder.Configuration["Tracking:MlflowVolume"] is { Length: > 0 } named ? named : MlflowVolume;
        var mlflow = builder.AddContainer(name, image, tag)
            .WithHttpEndpoint("http", port, targetPort: 5000)
            .WithArgs("mlflow", "server", "--host", "0.0.0.0", "--port", "5000",
                "--backend-store-uri", "sqlite:////mlflow/mlflow.db", "--artifacts-destination", "/mlflow/artifacts", "--serve-artifacts")
            .WithVolume(volume, "/mlflow")
            .WithMissingImageAdvice(
                $"""
                To go on, do one of these:
                  - load the image into this engine: `docker load -i mlflow.tar` (made where it can be pulled with `docker pull {image}:{tag} && docker save -o mlflow.tar {image}:{tag}`), or set Tracking:MlflowImage to an image this engine has;
                  - use an MLflow server you run yourself: without --mlflow, with --Tracking:MlflowUri=http://127.0.0.1:5000 (or Tracking__MlflowUri in the environment);
                  - or run without --mlflow: the runner's embedded registry (SQLite and files under data/) is the default.
                """);
        mlflow.WithConnectionSetting("Tracking__MlflowUri", "http").WithHttpHealthCheck("/health");
        return mlflow;
    }

    /// <summary>"registry/name:tag" as name and tag; a reference without a tag is :latest.</summary>
    private static (string Image, string Tag) Split(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
    }
}
