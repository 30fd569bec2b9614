using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mlops.ServiceDefaults.Replicas;

/// <summary>
/// A connection to a replica on a swarm's internal network, through the edge: a TCP connection to the edge on the
/// manager's loopback, an HTTP CONNECT for the replica's host and port, and, once the edge answers 200, the same
/// stream carries the requests as if it were the replica's own socket.
/// </summary>
public static class EdgeTunnel
{
    private const int MaxReplyBytes = 4096;

    public static async ValueTask<Stream> OpenAsync(string edge, DnsEndPoint target, CancellationToken cancellationToken)
    {
        var (host, port) = Split(edge);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
            var stream = new NetworkStream(socket, ownsSocket: true);
            var authority = string.Create(CultureInfo.InvariantCulture, $"{target.Host}:{target.Port}");
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n"), cancellationToken);
            var reply = await ReadReplyAsync(stream, cancellationToken);
            if (!reply.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) && !reply.StartsWith("HTTP/1.0 200", StringComparison.Ordinal))
            {
                await stream.DisposeAsync();
                throw new HttpRequestException(HttpRequestError.ConnectionError, $"the edge {edge} could not reach {authority}: {reply.Split('\r')[0]}");
            }

            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The edge's reply up to its blank line, read a byte at a time so that nothing after it is taken.</summary>
    private static async Task<string> ReadReplyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var reply = new StringBuilder();
        var one = new byte[1];
        while (reply.Length < MaxReplyBytes)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "the edge closed the connection before it answered");
            }

            reply.Append((char)one[0]);
            if (reply.Length >= 4 && reply[^1] == '\n' && reply[^2] == '\r' && reply[^3] == '\n' && reply[^4] == '\r')
            {
                return reply.ToString();
            }
        }

        throw new HttpRequestException(HttpRequestError.InvalidResponse, "the edge's answer to CONNECT is too long");
    }

    private static (string Host, int Port) Split(string edge)
    {
        var colon = edge.LastIndexOf(':');
        return colon > 0 && int.TryParse(edge.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? (edge[..colon], port)
            : throw new FormatException($"the edge's address '{edge}' is not host:port");
    }
}
