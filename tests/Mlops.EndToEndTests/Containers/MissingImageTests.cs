using System.Diagnostics;
using Aspire.Hosting;
using Mlops.EndToEndTests.Hosting;

namespace Mlops.EndToEndTests.Containers;

/// <summary>The AppHost with --mlflow where the image is not on the engine (and no registry can be reached): nothing starts.</summary>
public sealed class MissingImageTests
{
    [Fact]
    public async Task Mlflow_WithAnImageTheEngineDoesNotHave_StopsBeforeStartingAnything_SayingHowToGoOn()
    {
        var started = DateTime.Now;
        var thrown = await Assert.ThrowsAnyAsync<Exception>(() =>
            AspireSystem.StartAsync(TimeSpan.FromMinutes(2), arguments: ["--mlflow", "--Tracking:MlflowImage=mlops-test.invalid/mlflow:missing"], extraPorts: ["mlflow:http"]));

        // Aspire raises what a before-start handler threw, among whatever else failed.
        var refused = Assert.Single(thrown is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [thrown], e => e is DistributedApplicationException);
        Assert.Contains("mlflow: the image mlops-test.invalid/mlflow:missing is not on the Docker engine (no registry is reachable to pull it). Nothing was started.", refused.Message);
        Assert.Contains("docker load -i mlflow.tar", refused.Message);
        Assert.Contains("--Tracking:MlflowUri=http://127.0.0.1:5000", refused.Message);
        Assert.Contains("run without --mlflow: the runner's embedded registry", refused.Message);
        Assert.Null(Process.GetProcesses().FirstOrDefault(p => p.ProcessName == "Mlops.Runner" && p.StartTime > started));
    }
}
