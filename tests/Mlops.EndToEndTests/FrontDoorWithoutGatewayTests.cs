using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Mlops.EndToEndTests;

public sealed class FrontDoorWithoutGatewayTests
{
    [Fact]
    public async Task GatewayDown_IsA502InJson_NotNginxsPage()
    {
        var nobody = $"http://127.0.0.1:{AppHostProcess.FreePort()}";
        await using var door = await FrontDoor.StartAsync(nobody, nobody);
        using var http = new HttpClient { BaseAddress = new Uri(door.Url) };

        using var response = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "echo" });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("UNAVAILABLE", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }
}
