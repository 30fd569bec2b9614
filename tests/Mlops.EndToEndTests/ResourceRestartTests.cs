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

        using (var gateway = Process.GetProcessById(killed))
        {
            // SIGKILL: the gateway gets no chance to shut down.
            gateway.Kill();
        }

        using var dashboard = app.DashboardHttp();
        var restarted = await GatewayAsync(dashboard);
        for (var deadline = DateTime.UtcNow.AddMinutes(3); !IsBack(restarted) && DateTime.UtcNow < deadline && !app.HasExited; await Task.Delay(500))
        {
            restarted = await GatewayAsync(dashboard);
        }

        Assert.False(app.HasExited, app.Output);
        Assert.Equal("Running", restarted["state"]!.GetValue<string>());
        Assert.Equal(1, restarted["restarts"]!.GetValue<int>());
        Assert.Contains("gateway exited with code 137; restarting it in 1 s", app.Output);
        var replacement = app.ProcessIdOf("gateway");
        Assert.NotNull(replacement);
        Assert.NotEqual(killed, replacement);

        using var frontDoor = app.Http(app.FrontDoor, TimeSpan.FromSeconds(30));
        var status = await StatusAsync(frontDoor, "/api/v1/functions");
        for (var deadline = DateTime.UtcNow.AddMinutes(1); status != HttpStatusCode.OK && DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            status = await StatusAsync(frontDoor, "/api/v1/functions");
        }

        Assert.Equal(HttpStatusCode.OK, status);

        await app.InterruptAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, app.ExitCode);
        // The restarted gateway went down with the app, as the first one would have.
        Assert.False(Directory.Exists($"/proc/{replacement}"), $"the restarted gateway ({replacement}) outlived the AppHost");
        Assert.True(AppHostProcess.PortIsFree(app.Ports["gateway:http"]));
    }

    private static bool IsBack(JsonNode gateway) =>
        gateway["state"]!.GetValue<string>() == "Running" && gateway["restarts"]!.GetValue<int>() >= 1;

    private static async Task<JsonNode> GatewayAsync(HttpClient dashboard) =>
        (await dashboard.GetFromJsonAsync<JsonArray>("/api/resources"))!.Single(r => r!["name"]!.GetValue<string>() == "gateway")!;

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return response.StatusCode;
    }
}
