using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Mlops.EndToEndTests;

/// <summary>The AppHost as a supervisor: a service that dies is started again, and the rest of the app stays up.</summary>
public sealed class ResourceRestartTests
{
    [Fact]
    public async Task AGatewayKilledWithSigkill_IsRestarted_TheFrontDoorAnswersAgain_AndCtrlCStillStopsEverything()
    {
        await using var app = await AppHostProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, TimeSpan.FromMinutes(4));
        var killed = app.ProcessIdOf("gateway") ?? throw new InvalidOperationException($"the gateway's process was not found:\n{app.Output}");

        Sigkill(killed);
        var gateway = await WaitUntilBackAsync(app, "gateway");

        Assert.False(app.HasExited, app.Output);
        Assert.Equal("Running", gateway["state"]!.GetValue<string>());
        Assert.Equal(1, gateway["restarts"]!.GetValue<int>());
        Assert.Contains("gateway exited with code 137; restarting it in 1 s", app.Output);
        var replacement = app.ProcessIdOf("gateway");
        Assert.NotNull(replacement);
        Assert.NotEqual(killed, replacement);
        Assert.Equal(HttpStatusCode.OK, await FrontDoorAsync(app, "/api/v1/functions"));

        await app.InterruptAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, app.ExitCode);
        // The restarted gateway went down with the app, as the first one would have.
        Assert.False(Directory.Exists($"/proc/{replacement}"), $"the restarted gateway ({replacement}) outlived the AppHost");
        Assert.True(AppHostProcess.PortIsFree(app.Ports["gateway:http"]));
    }

    [Fact]
    public async Task ANginxMasterKilledWithSigkill_TakesItsWorkersAlong_AndComesBackOnItsPort()
    {
        await using var app = await AppHostProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, TimeSpan.FromMinutes(4));
        var master = app.ProcessIdOf("nginx") ?? throw new InvalidOperationException($"NGINX's master was not found:\n{app.Output}");
        var workers = ChildrenOf(master);
        Assert.NotEmpty(workers);

        // Its workers outlive it, holding its port, unless the AppHost removes them.
        Sigkill(master);
        var nginx = await WaitUntilBackAsync(app, "nginx");

        Assert.False(app.HasExited, app.Output);
        Assert.Equal(("Running", 1), (nginx["state"]!.GetValue<string>(), nginx["restarts"]!.GetValue<int>()));
        Assert.All(workers, worker => Assert.False(IsAlive(worker), $"NGINX's worker {worker} outlived its master"));
        Assert.Equal(HttpStatusCode.OK, await FrontDoorAsync(app, "/health"));
    }

    /// <summary>Running, not a zombie: where PID 1 does not reap (a container), a dead process stays in /proc as Z.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z') is false;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    private static void Sigkill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        // Process.Kill is SIGKILL on Unix: no chance to shut down.
        process.Kill();
    }

    /// <summary>The resource as the dashboard shows it once it runs again after a restart, or when time is up.</summary>
    private static async Task<JsonNode> WaitUntilBackAsync(AppHostProcess app, string name)
    {
        using var dashboard = app.DashboardHttp();
        var resource = await ResourceAsync(dashboard, name);
        for (var deadline = DateTime.UtcNow.AddMinutes(3); !IsBack(resource) && DateTime.UtcNow < deadline && !app.HasExited; await Task.Delay(500))
        {
            resource = await ResourceAsync(dashboard, name);
        }

        return resource;
    }

    private static bool IsBack(JsonNode resource) =>
        resource["state"]!.GetValue<string>() == "Running" && resource["restarts"]!.GetValue<int>() >= 1;

    private static async Task<JsonNode> ResourceAsync(HttpClient dashboard, string name) =>
        (await dashboard.GetFromJsonAsync<JsonArray>("/api/resources"))!.Single(r => r!["name"]!.GetValue<string>() == name)!;

    /// <summary>The status of an authenticated GET through NGINX once it is 200, or the last one when time is up.</summary>
    private static async Task<HttpStatusCode> FrontDoorAsync(AppHostProcess app, string path)
    {
        using var frontDoor = app.Http(app.FrontDoor, TimeSpan.FromSeconds(30));
        var status = await StatusAsync(frontDoor, path);
        for (var deadline = DateTime.UtcNow.AddMinutes(1); status != HttpStatusCode.OK && DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            status = await StatusAsync(frontDoor, path);
        }

        return status;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return response.StatusCode;
    }

    private static List<int> ChildrenOf(int parent) => Directory.EnumerateDirectories("/proc")
        .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
        .Where(pid => pid > 0 && ParentOf(pid) == parent)
        .ToList();

    private static int? ParentOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
            return line is null ? null : int.Parse(line["PPid:".Length..].Trim());
        }
        catch (IOException)
        {
            // Gone while we looked.
            return null;
        }
    }
}
