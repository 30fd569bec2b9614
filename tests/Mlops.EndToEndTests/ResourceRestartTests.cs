using System.Diagnostics;
using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Mlops.EndToEndTests.Hosting;

namespace Mlops.EndToEndTests;

/// <summary>
/// A service that dies comes back by itself (Aspire starts a resource once; the AppHost starts ours again), and
/// the rest of the app stays up meanwhile. One system for both: each test kills a different service.
/// </summary>
public sealed class ResourceRestartTests(ResourceRestartTests.System system) : IClassFixture<ResourceRestartTests.System>
{
    public sealed class System : IAsyncLifetime
    {
        public AspireSystem App { get; private set; } = null!;

        public async Task InitializeAsync() => App = await AspireSystem.StartAsync(TimeSpan.FromMinutes(4));

        public Task DisposeAsync() => App.DisposeAsync().AsTask();
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("nginx")]
    [InlineData("runner")]
    public async Task AServiceKilledWithSigkill_IsStartedAgain_AndTheFrontDoorAnswersAgain(string service)
    {
        var killed = system.App.ProcessIdOf(service) ?? throw new InvalidOperationException($"{service} has no process");

        // Process.Kill is SIGKILL: no chance to shut down.
        using (var process = Process.GetProcessById(killed))
        {
            process.Kill();
        }

        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var back = await system.App.App.ResourceNotifications.WaitForResourceAsync(service,
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && system.App.ProcessIdOf(service) is { } pid && pid != killed, bound.Token);
        await system.App.App.ResourceNotifications.WaitForResourceHealthyAsync(service, bound.Token);

        Assert.NotEqual(killed, system.App.ProcessIdOf(service));
        Assert.False(Directory.Exists($"/proc/{killed}") && !IsZombie(killed), $"{service}'s first process ({killed}) is still running");
        Assert.Equal(HttpStatusCode.OK, await FrontDoorAsync("/api/v1/functions"));
    }

    [Fact]
    public async Task AServiceStoppedFromTheDashboard_StaysStopped_UntilStartedAgain()
    {
        var commands = system.App.App.Services.GetRequiredService<ResourceCommandService>();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var stop = await commands.ExecuteCommandAsync("gateway", KnownResourceCommands.StopCommand, bound.Token);
        Assert.True(stop.Success, stop.Message);
        await system.App.App.ResourceNotifications.WaitForResourceAsync("gateway", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), bound.Token);

        // Longer than the first restart's backoff (1 s): an operator's stop is not a death.
        await Task.Delay(TimeSpan.FromSeconds(5), bound.Token);
        Assert.True(system.App.App.ResourceNotifications.TryGetCurrentState("gateway", out var stopped));
        Assert.Contains(stopped.Snapshot.State?.Text, KnownResourceStates.TerminalStates);

        var start = await commands.ExecuteCommandAsync("gateway", KnownResourceCommands.StartCommand, bound.Token);
        Assert.True(start.Success, start.Message);
        await system.App.App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", bound.Token);
        Assert.Equal(HttpStatusCode.OK, await FrontDoorAsync("/api/v1/functions"));
    }

    /// <summary>A dead process that nobody reaped yet (where PID 1 does not reap: a container) stays in /proc as Z.</summary>
    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return true;
        }
    }

    /// <summary>The status of an authenticated GET through NGINX once it is 200, or the last one when time is up.</summary>
    private async Task<HttpStatusCode> FrontDoorAsync(string path)
    {
        using var frontDoor = system.App.Http(system.App.FrontDoor, TimeSpan.FromSeconds(30));
        var status = HttpStatusCode.ServiceUnavailable;
        for (var deadline = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            using var response = await frontDoor.GetAsync(path);
            if ((status = response.StatusCode) == HttpStatusCode.OK)
            {
                break;
            }
        }

        return status;
    }
}
