using System.Diagnostics;

namespace Mlops.EndToEndTests.Containers;

/// <summary>Skipped, saying why, unless MLOPS_TEST_MLFLOW_IMAGE names an MLflow image that is on this engine (no registry is reachable here).</summary>
public sealed class MlflowImageFactAttribute : FactAttribute
{
    public const string Variable = "MLOPS_TEST_MLFLOW_IMAGE";

    public MlflowImageFactAttribute()
    {
        if (Image is not { } image)
        {
            Skip = $"no MLflow image: set {Variable} to an MLflow image on this engine (e.g. ghcr.io/mlflow/mlflow:v2.12.2, after `docker load -i mlflow.tar`) to run the AppHost with --mlflow end to end";
        }
        else if (!IsOnTheEngine(image))
        {
            Skip = $"{Variable} names {image}, which is not on this Docker engine (`docker image inspect {image}` fails); load it with `docker load`";
        }
    }

    public static string? Image => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } image ? image : null;

    private static bool IsOnTheEngine(string image)
    {
        using var inspect = Process.Start(new ProcessStartInfo("docker", ["image", "inspect", image]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        inspect.StandardOutput.ReadToEnd();
        inspect.StandardError.ReadToEnd();
        inspect.WaitForExit(TimeSpan.FromSeconds(30));
        return inspect.HasExited && inspect.ExitCode == 0;
    }
}
