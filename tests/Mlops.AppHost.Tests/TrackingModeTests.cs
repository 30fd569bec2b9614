using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Mlops.AppHost.Hosting;

namespace Mlops.AppHost.Tests;

/// <summary>
/// Each documented way of choosing where the runner tracks, and that the choice reaches both the runner (where
/// runs go) and the front door (where /mlflow/ shows them): never one without the other.
/// </summary>
public sealed class TrackingModeTests
{
    private const string Server = "http://127.0.0.1:15000";

    [Fact]
    public async Task ByDefault_TheRunnersEmbeddedRegistry_AndNoMlflowAnywhere()
    {
        await using var model = await AppModel.BuildAsync();

        Assert.False(model.Has("mlflow"));
        Assert.False((await model.EnvironmentAsync("runner")).ContainsKey("Tracking__MlflowUri"));
        Assert.Null(model.Resource<NginxResource>("nginx").MlflowUri);
    }

    [Fact]
    public async Task AServerOfYourOwn_OnTheAppHostsCommandLine_ReachesTheRunnerAndTheFrontDoor()
    {
        await using var model = await AppModel.BuildAsync($"--Tracking:MlflowUri={Server}/");

        Assert.Equal(Server + "/", (await model.EnvironmentAsync("runner"))["Tracking__MlflowUri"]);
        Assert.Equal(Server, model.Resource<NginxResource>("nginx").MlflowUri);
    }

    [Fact]
    public async Task AServerOfYourOwn_InTheEnvironment_ReachesTheRunnerAndTheFrontDoor()
    {
        Environment.SetEnvironmentVariable("Tracking__MlflowUri", Server);
        try
        {
            await using var model = await AppModel.BuildAsync();

            Assert.Equal(Server, (await model.EnvironmentAsync("runner"))["Tracking__MlflowUri"]);
            Assert.Equal(Server, model.Resource<NginxResource>("nginx").MlflowUri);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Tracking__MlflowUri", null);
        }
    }

    [Fact]
    public void AServerOfYourOwn_InTheRunnersAppsettings_IsWhatTheFrontDoorShows()
    {
        var settings = Path.GetTempFileName();
        try
        {
            File.WriteAllText(settings, $$"""{ "Tracking": { "MlflowUri": "{{Server}}" } }""");
            var appHost = new ConfigurationBuilder().Build();

            Assert.Equal(Server, Tracking.MlflowUri(appHost, settings));
            // What the AppHost is told wins over the runner's file, as it does in the runner's own configuration.
            Assert.Equal("http://elsewhere:5000", Tracking.MlflowUri(
                new ConfigurationBuilder().AddInMemoryCollection([new(Tracking.MlflowUriKey, "http://elsewhere:5000")]).Build(), settings));
        }
        finally
        {
            File.Delete(settings);
        }
    }

    [Fact]
    public void AServerWithCredentialsInItsUri_IsRefused_WithoutShowingThem()
    {
        var appHost = new ConfigurationBuilder().AddInMemoryCollection([new(Tracking.MlflowUriKey, "http://admin:s3cret@127.0.0.1:5000")]).Build();

        var refused = Assert.Throws<ArgumentException>(() => Tracking.MlflowUri(appHost, Path.Combine(Path.GetTempPath(), "no-such-settings.json")));

        Assert.Contains("credentials", refused.Message);
        Assert.DoesNotContain("s3cret", refused.Message);
    }

    [Theory]
    [InlineData("--mlflow")]
    [InlineData("--Tracking:Mode=container")]
    [InlineData("--Tracking:Mode=Container")]
    public async Task TheMlflowContainer_FromTheCommandLine_IsTheRunnersRegistry_AndTheFrontDoorsMlflow(string argument)
    {
        await using var model = await AppModel.BuildAsync(argument);

        await AssertTheMlflowContainerIsUsedAsync(model);
    }

    [Fact]
    public async Task TheMlflowContainer_FromTheEnvironment_IsTheRunnersRegistry()
    {
        Environment.SetEnvironmentVariable("Tracking__Mode", "container");
        try
        {
            await using var model = await AppModel.BuildAsync();

            await AssertTheMlflowContainerIsUsedAsync(model);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Tracking__Mode", null);
        }
    }

    [Fact]
    public async Task TheMlflowContainer_IsTheLocalImage_NeverPulled_ItsStoreOnANamedVolume_PublishedOnLoopback()
    {
        await using var model = await AppModel.BuildAsync("--mlflow", "--Tracking:MlflowImage=registry.example:5000/mlflow:v9", "--Tracking:MlflowVolume=runs", "--Ports:mlflow:http=15000");

        var mlflow = model.Resource<ContainerResource>("mlflow");
        var image = mlflow.Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal("registry.example:5000/mlflow:v9", $"{(image.Registry is null ? "" : image.Registry + "/")}{image.Image}:{image.Tag}");
        Assert.Equal(ImagePullPolicy.Never, mlflow.Annotations.OfType<ContainerImagePullPolicyAnnotation>().Single().ImagePullPolicy);
        var mount = Assert.Single(mlflow.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal(("runs", "/mlflow", ContainerMountType.Volume), (mount.Source, mount.Target, mount.Type));
        var endpoint = Assert.Single(mlflow.Annotations.OfType<EndpointAnnotation>());
        Assert.Equal((15000, 5000, false), (endpoint.Port, endpoint.TargetPort, endpoint.IsProxied));
        var args = await model.ArgumentsAsync("mlflow");
        Assert.Equal(
            "mlflow server --host 0.0.0.0 --port 5000 --backend-store-uri sqlite:////mlflow/mlflow.db --artifacts-destination /mlflow/artifacts --serve-artifacts",
            string.Join(' ', args));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("embedded", false)]
    [InlineData("Container", true)]
    public void TheMode_IsEmbeddedUnlessContainer(string? mode, bool container) =>
        Assert.Equal(container, Tracking.UsesMlflowContainer(mode));

    [Fact]
    public void AnUnknownMode_IsRefused_SayingWhichModesThereAre()
    {
        var refused = Assert.Throws<ArgumentException>(() => Tracking.UsesMlflowContainer("bogus"));

        Assert.Equal("Tracking:Mode is 'bogus': it is 'embedded' (the runner's registry, the default) or 'container' (an MLflow container, as --mlflow)", refused.Message);
    }

    private static async Task AssertTheMlflowContainerIsUsedAsync(AppModel model)
    {
        var mlflow = model.Resource<ContainerResource>("mlflow");
        var reference = Assert.IsType<EndpointReference>((await model.EnvironmentAsync("runner"))["Tracking__MlflowUri"]);
        Assert.Same(mlflow, reference.Resource);
        Assert.Contains("mlflow", model.WaitsFor("runner"));
        Assert.Same(mlflow, model.Resource<NginxResource>("nginx").MlflowContainer);
        Assert.Equal("http://127.0.0.1:5000", model.Resource<NginxResource>("nginx").MlflowUri);
    }
}
