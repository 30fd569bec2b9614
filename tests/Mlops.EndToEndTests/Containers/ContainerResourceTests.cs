extern alias apphost;

using System.Diagnostics;
using apphost::Mlops.AppHost.Hosting;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Mlops.EndToEndTests.Containers;

/// <summary>Container resources on the real engine, with a small image built here: started, checked, referenced, shown, restarted, removed.</summary>
public sealed class ContainerResourceTests(TestHttpImage image) : IClassFixture<TestHttpImage>, IDisposable
{
    private readonly DockerClient _docker = new DockerClientConfiguration().CreateClient();

    [Fact]
    public async Task AContainerResource_IsHealthyReferencedShownRestartedAndRemovedOnStop_ItsVolumeStays()
    {
        var volume = $"mlops-apphost-test-{Guid.NewGuid():N}"[..32];
        try
        {
            await RunsAndStopsAsync(volume);
            Assert.Equal(volume, (await _docker.Volumes.InspectAsync(volume)).Name);
        }
        finally
        {
            // Named volumes outlive the app by design; this test's goes with the test.
            await RemoveVolumeAsync(_docker, volume);
        }
    }

    private async Task RunsAndStopsAsync(string volume)
    {
        await using var app = new InProcessApp();
        var port = AppHostProcess.FreePort();
        var web = app.Builder.AddContainer("web", image.Image, image.Tag)
            .WithHttpEndpoint("http", port, targetPort: 8000)
            .WithArgs("8000")
            .WithVolume(volume, "/data")
            .WithConnectionSetting("Web__Uri", "http")
            .WithEnvironment("GREETING", "tests")
            .WithHttpHealthCheck("/health");
        // A process that references the container, as the runner references MLflow: it reaches it on loopback.
        app.Builder.AddResource(new ShellResource("client", """echo "reference $services__web__http__0 $Web__Uri"; curl -s "$Web__Uri/hello"; exec sleep 600""", app.Builder.Configuration))
            .WithReference(web)
            .WaitFor(web);

        await app.StartAsync();

        var container = Assert.Single(await OursAsync("web"));
        Assert.Equal("running", container.State);
        var published = Assert.Single(container.Ports);
        Assert.Equal(("127.0.0.1", (ushort)port, (ushort)8000), (published.IP, published.PublicPort, published.PrivatePort));
        Assert.Equal(("container", "Running", "healthy"), Describe(await app.ResourceAsync("web")));
        var url = $"http://127.0.0.1:{port}";
        Assert.True(await InProcessApp.EventuallyAsync(async () => (await app.ConsoleAsync("client")).Contains($"reference {url} {url}\nhello, tests"), TimeSpan.FromSeconds(30)),
            await app.ConsoleAsync("client"));
        // stdout and stderr, as the dashboard shows a process's.
        Assert.True(await InProcessApp.EventuallyAsync(async () => await app.ConsoleAsync("web") is var lines
            && lines.Contains("listening on 8000") && lines.Contains("a line on stderr") && lines.Contains("GET /hello"), TimeSpan.FromSeconds(30)), await app.ConsoleAsync("web"));

        // It dies: the supervisor starts a new container, as it starts a new process.
        using (var http = new HttpClient())
        {
            await http.GetStringAsync($"{url}/exit");
        }

        Assert.True(await InProcessApp.EventuallyAsync(async () => Describe(await app.ResourceAsync("web")) == ("container", "Running", "healthy")
            && (await app.ResourceAsync("web"))["restarts"]!.GetValue<int>() == 1, TimeSpan.FromMinutes(1)), (await app.ResourceAsync("web")).ToJsonString());
        var second = Assert.Single(await OursAsync("web"));
        Assert.NotEqual(container.ID, second.ID);
        Assert.Contains("exiting with code 3", await app.ConsoleAsync("web"));

        Assert.Equal(0, await app.StopAsync());
        Assert.Empty(await OursAsync("web"));
    }

    [Fact]
    public async Task AContainerLeftByACrashedAppHost_IsRemovedAtTheNextStart_ALiveAppHostsIsNot()
    {
        using var gone = Process.Start("true")!;
        await gone.WaitForExitAsync();
        var orphan = await CreateAsync($"mlops-apphost-test-orphan-{Guid.NewGuid():N}"[..40], new ContainerOwner("orphan00", gone.Id, 1, Environment.MachineName));
        var live = await CreateAsync($"mlops-apphost-test-live-{Guid.NewGuid():N}"[..40], ContainerOwner.Current());
        try
        {
            await using var app = new InProcessApp();
            await app.StartAsync();

            await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _docker.Containers.InspectContainerAsync(orphan));
            Assert.True((await _docker.Containers.InspectContainerAsync(live)).State.Running);
            Assert.Equal(0, await app.StopAsync());
        }
        finally
        {
            await ContainerInstance.RemoveAsync(_docker, orphan, CancellationToken.None);
            await ContainerInstance.RemoveAsync(_docker, live, CancellationToken.None);
        }
    }

    public void Dispose() => _docker.Dispose();

    /// <summary>Removes a volume a test made; one the app never got as far as creating is fine.</summary>
    internal static async Task RemoveVolumeAsync(DockerClient docker, string volume)
    {
        try
        {
            await docker.Volumes.RemoveAsync(volume, force: true);
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Never created: nothing to remove.
        }
    }

    /// <summary>A running container labelled as <paramref name="owner"/>'s, as an AppHost would have left it.</summary>
    private async Task<string> CreateAsync(string name, ContainerOwner owner)
    {
        var id = (await _docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = image.Reference,
            Cmd = ["8000"],
            Labels = owner.Labels("web"),
        })).ID;
        await _docker.Containers.StartContainerAsync(id, new ContainerStartParameters());
        return id;
    }

    /// <summary>This test process's containers of the resource, as the labels say.</summary>
    private async Task<IList<ContainerListResponse>> OursAsync(string resource) =>
        await _docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"mlops.apphost.resource={resource}"] = true, [$"mlops.apphost.pid={Environment.ProcessId}"] = true },
            },
        });

    private static (string, string, string) Describe(System.Text.Json.Nodes.JsonNode resource) =>
        (resource["kind"]!.GetValue<string>(), resource["state"]!.GetValue<string>(), resource["health"]!.GetValue<string>());
}
