using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Keys;
using Mlops.ServiceDefaults.Security;

namespace Mlops.Runner.IntegrationTests.Faults;

/// <summary>
/// The gateway's door against an attacker without a key, on a real Kestrel socket: big bodies with bad keys,
/// floods of made-up keys. The gateway runs without a runner: nothing here should need one.
/// </summary>
public sealed class FrontDoorAbuseTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _data = Directory.CreateTempSubdirectory("mlops-front-door-").FullName;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = GatewayHost.Start($"http://127.0.0.1:{AppHostProcess.FreePort()}", await TestKeys.SeedAdminAsync(_data));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task BadKey_WithATenMegabyteBody_Is401JsonBeforeTheBodyIsSent()
    {
        var address = new Uri(_gateway.Address);
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        var head = $"POST /invoke HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {ApiKeys.Generate()}\r\n"
            + "Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        // A sliver of the 10 MB: a server that reads bodies before keys would wait for the rest (or refuse its size).
        await stream.WriteAsync(new byte[64 * 1024]);

        using var reading = new CancellationTokenSource(Bound);
        var answer = await ReadAnswerAsync(stream, reading.Token);

        Assert.StartsWith("HTTP/1.1 401", answer, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/json", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"code\":\"UNAUTHENTICATED\"", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenThousandRandomKeys_AreRefused401Then429Json_TheGoodKeyStillAnswers_AndKeysDbIsNotReadPerRequest()
    {
        var store = _gateway.Services.GetRequiredService<KeyStore>();
        var limit = _gateway.Services.GetRequiredService<AuthOptions>().FailuresPerMinute;
        using (var first = await _gateway.Http.GetAsync("/auth/admin"))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        var before = store.Lookups;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        using var flood = new HttpClient { BaseAddress = new Uri(_gateway.Address), Timeout = Bound };
        const int senders = 8;
        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = senders }, async (_, cancellationToken) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/admin");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeys.Generate());
            using var response = await flood.SendAsync(request, cancellationToken);
            statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
        });
        var lookupsInFlood = store.Lookups - before;

        using var good = await _gateway.Http.GetAsync("/auth/admin");
        using var throttled = await flood.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/auth/admin")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", ApiKeys.Generate()) },
        });
        var body = JsonNode.Parse(await throttled.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses.Keys.Order());
        // Requests already past the check when the limit is reached still look up: at most one per sender.
        Assert.InRange(lookupsInFlood, 1, limit + senders);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);
        Assert.Equal("RESOURCE_EXHAUSTED", body["code"]!.GetValue<string>());
    }

    /// <summary>The status line, headers and as much of the body as arrives before the server closes or pauses.</summary>
    private static async Task<string> ReadAnswerAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return text.ToString();
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var all = text.ToString();
            if (all.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0 && all.IndexOf('}', end) > 0)
            {
                return all;
            }
        }
    }
}
