using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grpc.Net.Client;
using Mlops.V1;

namespace Mlops.EndToEndTests;

/// <summary>
/// The AppHost as a process, as `dotnet run --project Mlops.AppHost` leaves it: how it stops (Ctrl+C, SIGTERM
/// where a script's background ignores SIGINT, SIGKILL), and that nothing of it outlives it.
/// </summary>
public sealed class ProcessLifecycleTests
{
    private static readonly TimeSpan Start = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task CtrlC_StopsEverything_ExitsZero_AndLeavesNoPortAndNoProcess_AndSettingsInTheEnvironmentReachedTheServices()
    {
        // An MLflow server of the user's own, given in the environment: nothing listens there, which the runner
        // only finds out at its first run; NGINX routes /mlflow/ to it.
        var mlflow = $"http://127.0.0.1:{AppHostProcess.FreePort()}";
        await using var app = await AppHostProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, Start,
            environment: new Dictionary<string, string> { ["Tracking__MlflowUri"] = mlflow });
        var services = new[] { "runner", "gateway", "nginx" }.ToDictionary(name => name, name => app.ProcessIdOf(name) ?? throw new InvalidOperationException($"no {name} process:\n{app.Output}"));

        using (var channel = GrpcChannel.ForAddress(app.Runner, new GrpcChannelOptions { HttpHandler = new BearerHandler(app.AdminKey) }))
        {
            Assert.Equal("mlflow", (await new Mlops.V1.Runner.RunnerClient(channel).GetStatusAsync(new GetStatusRequest())).RegistryBackend);
        }

        using (var http = app.Http(app.FrontDoor, TimeSpan.FromSeconds(30)))
        using (var mlflowPage = await http.GetAsync("/mlflow/"))
        {
            // Proxied to the (absent) server, not the "no MLflow here" answer of the embedded mode.
            Assert.Equal(HttpStatusCode.BadGateway, mlflowPage.StatusCode);
        }

        await app.InterruptAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(0, app.ExitCode);
        // The services were stopped, front to back, before the AppHost exited.
        Assert.All(services, service => Assert.False(Directory.Exists($"/proc/{service.Value}"), $"{service.Key} ({service.Value}) outlived the AppHost"));
        Assert.All(new[] { "runner:grpc", "gateway:http", "gateway:grpc", "nginx:http", "nginx:grpc" }, port => Assert.True(AppHostProcess.PortIsFree(app.Ports[port]), $"{port} is still in use"));
        // DCP, Aspire's orchestrator, ends with the AppHost and takes the dashboard's ports (its proxy) with it.
        await Eventually.HoldsAsync(() => Task.FromResult(app.Ports.Values.All(AppHostProcess.PortIsFree)), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Sigterm_StopsEverything_AlsoWhereABackgroundJobIgnoresSigint_AndTheRunnerRemovesItsReplicas()
    {
        await using var app = await AppHostProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, Start, ignoreSigint: true);
        using var docker = new DockerClientConfiguration().CreateClient();
        using (var http = app.Http(app.FrontDoor, TimeSpan.FromMinutes(10)))
        {
            using var train = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "train", ["parameters"] = new JsonObject { ["n_estimators"] = 10 } });
            Assert.True(train.IsSuccessStatusCode, await train.Content.ReadAsStringAsync());
            using var deploy = await http.PutAsJsonAsync("/api/v1/endpoints/iris", new JsonObject
            {
                ["function"] = "predict", ["modelName"] = "iris_model", ["modelVersion"] = "latest", ["minReplicas"] = 2, ["maxReplicas"] = 2,
            });
            Assert.True(deploy.IsSuccessStatusCode, await deploy.Content.ReadAsStringAsync());
        }

        Assert.Equal(2, (await ContainersAsync(docker, app.Instance)).Count);

        // As in the background of a non-interactive script: Ctrl+C's signal does nothing...
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.InterruptAsync(TimeSpan.FromSeconds(3)));
        Assert.False(app.HasExited);

        // ...and SIGTERM stops it all: the runner is given the time to remove its replicas before it goes.
        var services = new[] { "runner", "gateway", "nginx" }.Select(name => app.ProcessIdOf(name)).ToList();
        await app.TerminateAsync(TimeSpan.FromMinutes(1));
        Assert.All(services, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"{pid} outlived the AppHost"));
        Assert.Empty(await ContainersAsync(docker, app.Instance));
        await Eventually.HoldsAsync(() => Task.FromResult(app.Ports.Values.All(AppHostProcess.PortIsFree)), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Sigkill_OfTheAppHost_LeavesNoPortNoProcessAndNoContainer_WithinThirtySeconds()
    {
        await using var app = await AppHostProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, Start, functionsPath: RepositoryPaths.TestFunctions);
        using var docker = new DockerClientConfiguration().CreateClient();
        using var http = app.Http(app.FrontDoor, TimeSpan.FromMinutes(5));
        // A function that runs for two minutes: its container is up when the AppHost dies.
        var invocation = http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "sleep-long" });
        await Eventually.HoldsAsync(async () => (await ContainersAsync(docker, app.Instance)).Count == 1, TimeSpan.FromMinutes(3));
        var services = new[] { "runner", "gateway", "nginx" }.Select(name => app.ProcessIdOf(name)).ToList();

        app.Kill();
        await Eventually.HoldsAsync(async () =>
                app.Ports.Values.All(AppHostProcess.PortIsFree) &&
                services.All(pid => !Directory.Exists($"/proc/{pid}")) &&
                (await ContainersAsync(docker, app.Instance)).Count == 0,
            TimeSpan.FromSeconds(30));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => invocation);
    }

    private static async Task<IList<ContainerListResponse>> ContainersAsync(IDockerClient docker, string instance) =>
        await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"mlops.runner={instance}"] = true } },
        });
}
