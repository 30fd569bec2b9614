using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

using Mlops.Testing;

namespace Mlops.Runner.IntegrationTests;

public sealed class GatewayWithoutRunnerTests
{
    [Fact]
    public async Task NoRunner_Invoke502_Debug503_Rest503_AllJson()
    {
        var data = Directory.CreateTempSubdirectory("mlops-gateway-alone-").FullName;
        try
        {
            await using var gateway = GatewayHost.Start($"http://127.0.0.1:{AppHostProcess.FreePort()}", await TestKeys.SeedAdminAsync(data));
            await AssertEverythingAnswersJsonAsync(gateway);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task AssertEverythingAnswersJsonAsync(GatewayHost gateway)
    {

        using var invoke = await gateway.Http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "echo" });
        using var debug = await gateway.Http.GetAsync("/debug");
        using var rest = await gateway.Http.GetAsync("/v1/functions");

        Assert.Equal(HttpStatusCode.BadGateway, invoke.StatusCode);
        Assert.Equal("the runner is not reachable", (await invoke.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, debug.StatusCode);
        Assert.False((await debug.Content.ReadFromJsonAsync<JsonObject>())!["runner"]!["reachable"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rest.StatusCode);
        Assert.Equal("application/json", rest.Content.Headers.ContentType?.MediaType);
    }

}
