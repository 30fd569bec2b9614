using System.Diagnostics;

namespace Mlops.EndToEndTests.Containers;

/// <summary>The AppHost with --mlflow where the image is neither on the engine nor pullable: it stops before starting anything.</summary>
public sealed class MissingImageTests
{
    [Fact]
    public async Task Mlflow_WithAnImageNeitherPresentNorPullable_StopsBeforeStartingAnything_SayingHowToGoOn()
    {
        var root = Directory.CreateTempSubdirectory("mlops-missing-image-").FullName;
        string[] endpoints = ["runner:grpc", "gateway:http", "gateway:grpc", "nginx:http", "nginx:grpc", "dashboard:http", "dashboard:otlp", "mlflow:http"];
        var ports = AppHostProcess.FreePorts(endpoints.Length);
        try
        {
            // .invalid never resolves: the pull fails at once, as it does where no registry is reachable.
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryPaths.Root };
            info.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "Mlops.AppHost", "bin", RepositoryPaths.Configuration, "net10.0", "Mlops.AppHost.dll"));
            info.ArgumentList.Add("--mlflow");
            info.ArgumentList.Add("--Tracking:MlflowImage=mlops-test.invalid/mlflow:missing");
            foreach (var (endpoint, port) in endpoints.Zip(ports))
            {
                info.ArgumentList.Add($"--Endpoints:{endpoint}={port}");
            }

            info.Environment["Auth__DataPath"] = Path.Combine(root, "data");
            info.Environment["Runner__DataPath"] = Path.Combine(root, "data");
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(bound.Token);
            var output = await stdout + await stderr;

            Assert.Equal(1, process.ExitCode);
            Assert.Contains("apphost  | mlflow: the image mlops-test.invalid/mlflow:missing is not on the Docker engine and could not be pulled (", output);
            Assert.Contains("Nothing was started.", output);
            Assert.Contains("docker load -i mlflow.tar", output);
            Assert.Contains("--Tracking:MlflowUri=http://127.0.0.1:5000", output);
            Assert.Contains("run without --mlflow: the runner's embedded registry", output);
            // Nothing started: no keys written, no resource's output, no "stopping".
            Assert.False(Directory.Exists(Path.Combine(root, "data")), output);
            Assert.DoesNotContain("runner   |", output);
            Assert.DoesNotContain("stopping", output);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
