using System.Net;
using System.Net.Sockets;
using System.Text;
using Mlops.ServiceDefaults.Replicas;

namespace Mlops.Runner.Tests.Endpoints;

/// <summary>
/// A replica address through the edge, against a stand-in edge on a real loopback socket: it checks the CONNECT line
/// and then answers as the replica would, on the same connection.
/// </summary>
public sealed class EdgeTunnelTests
{
    [Fact]
    public void BaseUri_OfAnAddressThroughTheEdge_IsTheReplicasOwn()
    {
        var address = ReplicaAddress.ThroughEdge("mlops-predict-abc", 8080, "127.0.0.1:40000");

        Assert.Equal("http://mlops-predict-abc:8080 via 127.0.0.1:40000", address);
        Assert.Equal(new Uri("http://mlops-predict-abc:8080/"), ReplicaAddress.BaseUri(address));
    }

    [Fact]
    public async Task ARequest_GoesThroughTheEdgesTunnel_ToTheReplicaItNames()
    {
        using var edge = new TcpListener(IPAddress.Loopback, 0);
        edge.Start();
        var address = ReplicaAddress.ThroughEdge("mlops-predict-abc", 8080, $"127.0.0.1:{((IPEndPoint)edge.LocalEndpoint).Port}");
        var serving = ServeOnceAsync(edge, "HTTP/1.1 200 Connection established\r\n\r\n");
        using var http = new HttpClient(ReplicaAddress.CreateHandler(address)) { BaseAddress = ReplicaAddress.BaseUri(address) };

        using var response = await http.GetAsync("health").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("ready", await response.Content.ReadAsStringAsync());
        var (connect, request) = await serving;
        Assert.StartsWith("CONNECT mlops-predict-abc:8080 HTTP/1.1\r\n", connect);
        Assert.StartsWith("GET /health HTTP/1.1\r\n", request);
    }

    [Fact]
    public async Task AnEdgeThatRefuses_IsAConnectionError_NamingWhatItSaid()
    {
        using var edge = new TcpListener(IPAddress.Loopback, 0);
        edge.Start();
        var address = ReplicaAddress.ThroughEdge("mlops-predict-abc", 8080, $"127.0.0.1:{((IPEndPoint)edge.LocalEndpoint).Port}");
        _ = ServeOnceAsync(edge, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        using var http = new HttpClient(ReplicaAddress.CreateHandler(address)) { BaseAddress = ReplicaAddress.BaseUri(address) };

        var failed = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("health").WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(HttpRequestError.ConnectionError, failed.HttpRequestError);
        Assert.Contains("502 Bad Gateway", failed.Message);
    }

    /// <summary>Reads the CONNECT, answers <paramref name="reply"/>; when that is a 200, reads one request and answers "ready".</summary>
    private static async Task<(string Connect, string Request)> ServeOnceAsync(TcpListener edge, string reply)
    {
        using var client = await edge.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var connect = await ReadHeadAsync(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(reply));
        if (!reply.Contains(" 200 ", StringComparison.Ordinal))
        {
            return (connect, "");
        }

        var request = await ReadHeadAsync(stream);
        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nready"u8.ToArray());
        return (connect, request);
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
