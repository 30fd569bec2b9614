using Aspire.Hosting.ApplicationModel;
using Mlops.AppHost.Hosting;

namespace Mlops.AppHost.Tests;

/// <summary>What `dotnet run --project Mlops.AppHost` starts, and how (nothing is started here).</summary>
public sealed class AppModelTests
{
    [Fact]
    public async Task TheApp_IsTheRunnerGatewayAndFrontDoor_AtTheDocumentedPorts_EachWaitingForTheOneBehindIt()
    {
        await using var model = await AppModel.BuildAsync();

        Assert.Equal(5081, model.Port("runner", "grpc"));
        Assert.Equal((5080, 5082), (model.Port("gateway", "http"), model.Port("gateway", "grpc")));
        Assert.Equal((8080, 8081), (model.Port("nginx", "http"), model.Port("nginx", "grpc")));
        Assert.Equal(["runner"], model.WaitsFor("gateway"));
        Assert.Equal(["gateway"], model.WaitsFor("nginx"));
        Assert.False(model.Has("mlflow"));
    }

    [Fact]
    public async Task EveryPort_IsOnLoopback_WithoutAProxyInFront_AndMovesWithPortsSettings()
    {
        await using var model = await AppModel.BuildAsync("--Ports:gateway:http=6080");

        var ports = new[] { "runner", "gateway", "nginx" }.SelectMany(name => model.Resource(name).Annotations.OfType<EndpointAnnotation>()).ToList();

        Assert.All(ports, port => Assert.Equal(("127.0.0.1", false), (port.TargetHost, port.IsProxied)));
        Assert.Equal(6080, model.Port("gateway", "http"));
        Assert.Equal("http://127.0.0.1:6080", (await model.EnvironmentAsync("gateway"))["Kestrel__Endpoints__http__Url"]);
    }

    [Fact]
    public async Task Port_GivenUnderItsFormerEndpointsName_StillMoves_UnlessPortsSaysOtherwise()
    {
        await using var model = await AppModel.BuildAsync("--Endpoints:gateway:http=6080", "--Endpoints:nginx:http=9090", "--Ports:nginx:http=9191");

        Assert.Equal((6080, 9191), (model.Port("gateway", "http"), model.Port("nginx", "http")));
    }

    [Fact]
    public async Task TheServicesOnTheDataPath_RunTheirOptimisedBuilds_NotThroughDotnetRun()
    {
        await using var model = await AppModel.BuildAsync();

        var runner = model.Resource<ExecutableResource>("runner");
        var gateway = model.Resource<ExecutableResource>("gateway");

        // The runner compiled ahead of time for this machine, the gateway's Release build, each from its project folder.
        Assert.EndsWith($"/Mlops.Runner/bin/Release/net10.0/{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}/publish/Mlops.Runner", runner.Command);
        Assert.EndsWith("/Mlops.Gateway/bin/Release/net10.0/Mlops.Gateway", gateway.Command);
        Assert.EndsWith("/Mlops.Runner", runner.WorkingDirectory);
        Assert.True(File.Exists(runner.Command), $"{runner.Command} is built with the AppHost");
        Assert.True(File.Exists(gateway.Command), $"{gateway.Command} is built with the AppHost");
    }

    [Fact]
    public async Task SettingsGivenToTheAppHost_ReachTheServiceTheyAreFor()
    {
        await using var model = await AppModel.BuildAsync("--Runner:MaxQueueLength=8", "--Containers:PidsLimit=64", "--Serving:WaitSeconds=5", "--RateLimits:RequestsPerSecond=9");

        var runner = await model.EnvironmentAsync("runner");
        var gateway = await model.EnvironmentAsync("gateway");

        Assert.Equal(("8", "64", "9"), (runner["Runner__MaxQueueLength"], runner["Containers__PidsLimit"], runner["RateLimits__RequestsPerSecond"]));
        Assert.Equal(("5", "9"), (gateway["Serving__WaitSeconds"], gateway["RateLimits__RequestsPerSecond"]));
        Assert.False(gateway.ContainsKey("Runner__MaxQueueLength"));
        Assert.Equal(model.Data, runner["Auth__DataPath"]);
        Assert.Equal(model.Data, gateway["Auth__DataPath"]);
    }

    [Fact]
    public async Task ARun_MakesTheAdminServiceAndDashboardKeys_ReadableOnlyByItsUser()
    {
        await using var model = await AppModel.BuildAsync();

        foreach (var file in new[] { "admin.key", "service.key", AppSecrets.DashboardKeyFile })
        {
            var path = Path.Combine(model.Data, "secrets", file);
            Assert.True(File.Exists(path), path);
            Assert.True(OperatingSystem.IsLinux(), "the platform runs on Linux");
            if (OperatingSystem.IsLinux())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
    }
}
