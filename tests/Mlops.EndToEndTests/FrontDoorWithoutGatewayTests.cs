using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.EndToEndTests;

public sealed class FrontDoorWithoutGatewayTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

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

    [Theory]
    [InlineData("uri", "414", "URI_TOO_LONG")]
    [InlineData("header", "400", "BAD_REQUEST")]
    [InlineData("body", "413", "PAYLOAD_TOO_LARGE")]
    public async Task NginxsOwnRefusal_TooLong_IsJsonNotAPage(string what, string status, string code)
    {
        var nobody = $"http://127.0.0.1:{AppHostProcess.FreePort()}";
        await using var door = await FrontDoor.StartAsync(nobody, nobody);
        var host = new Uri(door.Url).Authority;
        var head = what switch
        {
            "uri" => $"GET /api/v1/functions?{new string('a', 16 * 1024)} HTTP/1.1\r\nHost: {host}\r\n\r\n",
            "header" => $"GET /api/v1/functions HTTP/1.1\r\nHost: {host}\r\nX-Padding: {new string('a', 16 * 1024)}\r\n\r\n",
            _ => $"POST /invoke HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n",
        };

        using var client = await ConnectAsync(door.Url);
        var answer = await SendAsync(client, head);

        Assert.StartsWith($"HTTP/1.1 {status}", answer, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/json", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(code, JsonNode.Parse(answer[answer.IndexOf('{', StringComparison.Ordinal)..])!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConnectionsPerClient_PastTheLimit_Are429Json()
    {
        // A gateway that accepts and never answers: each request through NGINX stays in progress.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        var clients = new List<TcpClient>();
        try
        {
            var gateway = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
            await using var door = await FrontDoor.StartAsync(gateway, gateway, connectionsPerClient: 2);
            var request = $"GET /health HTTP/1.1\r\nHost: {new Uri(door.Url).Authority}\r\n\r\n";
            for (var i = 0; i < 2; i++)
            {
                var client = await ConnectAsync(door.Url);
                clients.Add(client);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request));
                using var wait = new CancellationTokenSource(Bound);
                accepted.Add(await silent.AcceptTcpClientAsync(wait.Token));
            }

            using var third = await ConnectAsync(door.Url);
            var answer = await SendAsync(third, request);

            Assert.StartsWith("HTTP/1.1 429", answer, StringComparison.Ordinal);
            Assert.Equal("RESOURCE_EXHAUSTED", JsonNode.Parse(answer[answer.IndexOf('{', StringComparison.Ordinal)..])!["code"]!.GetValue<string>());
        }
        finally
        {
            clients.Concat(accepted).ToList().ForEach(c => c.Dispose());
            silent.Stop();
            silent.Dispose();
        }
    }

    private static async Task<TcpClient> ConnectAsync(string url)
    {
        var address = new Uri(url);
        var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        return client;
    }

    /// <summary>Writes <paramref name="head"/> and reads the answer up to the end of its JSON body (or the connection's end).</summary>
    private static async Task<string> SendAsync(TcpClient client, string head)
    {
        using var bound = new CancellationTokenSource(Bound);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), bound.Token);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer, bound.Token) is var read and > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var all = text.ToString();
            if (all.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0 && all.IndexOf('}', end) > 0)
            {
                break;
            }
        }

        return text.ToString();
    }
}
