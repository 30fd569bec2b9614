using Mlops.AppHost.Hosting;

namespace Mlops.AppHost.Tests;

public sealed class AppHostArgumentsTests
{
    [Fact]
    public void Mlflow_IsTheContainerTrackingMode() =>
        Assert.Equal(["--Tracking:Mode=container", "--Ports:nginx:http=9090"], AppHostArguments.Expand(["--mlflow", "--Ports:nginx:http=9090"]));

    [Fact]
    public void Publish_IsAspiresPublishOperation_RunningTheComposeStep_IntoTheGivenFolder() =>
        Assert.Equal(["--operation", "publish", "--step", "publish-compose", "--output-path", "out", "--Tracking:Mode=container"],
            AppHostArguments.Expand(["publish", "--output", "out", "--mlflow"]));

    [Fact]
    public void Publish_WithoutAFolder_WritesIntoPublish() =>
        Assert.Equal(["--operation", "publish", "--step", "publish-compose", "--output-path", "publish"], AppHostArguments.Expand(["publish"]));

    [Fact]
    public void ARun_KeepsItsArguments() =>
        Assert.Equal(["--Runner:MaxQueueLength=8"], AppHostArguments.Expand(["--Runner:MaxQueueLength=8"]));
}
