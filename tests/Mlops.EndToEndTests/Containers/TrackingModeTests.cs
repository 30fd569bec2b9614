extern alias apphost;

using apphost::Mlops.AppHost.Hosting;

namespace Mlops.EndToEndTests.Containers;

/// <summary>How the AppHost's command line and settings choose where the runner tracks (pure logic: nothing starts).</summary>
public sealed class TrackingModeTests
{
    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--mlflow" }, true)]
    [InlineData(new[] { "--Tracking:Mode=container" }, true)]
    [InlineData(new[] { "--Tracking:Mode=Embedded" }, false)]
    public void TheCommandLine_ChoosesTheMlflowContainer_OnlyWhenAskedFor(string[] args, bool expected) =>
        Assert.Equal(expected, DistributedApplication.CreateBuilder(args).UsesMlflowContainer());

    [Fact]
    public async Task AnUnknownMode_StopsTheRunBeforeAnythingStarts()
    {
        var builder = DistributedApplication.CreateBuilder(["--Tracking:Mode=bogus"]);

        Assert.False(builder.UsesMlflowContainer());
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await builder.Build().RunAsync([], bound.Token));
    }

    [Fact]
    public void TheMlflowContainer_RunsTheServerOnItsVolume_AndHandsItsUrlToWhoeverReferencesIt()
    {
        var builder = DistributedApplication.CreateBuilder(["--Tracking:MlflowImage=registry.example:5000/mlflow:v9", "--Endpoints:mlflow:http=15000"]);

        var mlflow = builder.AddMlflow("mlflow");

        Assert.Equal(("registry.example:5000/mlflow", "v9"), (mlflow.Image, mlflow.Tag));
        Assert.Equal(new Endpoint("http", 15000, false, 5000), Assert.Single(mlflow.Endpoints));
        Assert.Equal(
            "mlflow server --host 0.0.0.0 --port 5000 --backend-store-uri sqlite:////mlflow/mlflow.db --artifacts-destination /mlflow/artifacts --serve-artifacts",
            string.Join(' ', mlflow.Args));
        Assert.Equal(new ContainerMount(Tracking.MlflowVolume, "/mlflow", IsVolume: true, IsReadOnly: false), Assert.Single(mlflow.Mounts));
        Assert.Equal("http", mlflow.ConnectionSettings["Tracking__MlflowUri"]);
        Assert.Equal("/health", mlflow.HealthPath);
    }
}
