using System.Net.Sockets;

namespace Mlops.ServiceDefaults.Replicas;

/// <summary>
/// How a serving replica is reached, written as one string so that a cluster backend can swap the transport:
/// <c>unix:/abs/path/replica.sock</c> (HTTP/1.1 on a unix socket, the local backend), <c>http://host:port</c>, or
/// <c>http://host:port via edge-host:port</c> (the Swarm backend: the replica is on an internal overlay network, reached
/// through a tunnel the edge opens for an HTTP CONNECT; see <see cref="EdgeTunnel"/>).
/// </summary>
public static class ReplicaAddress
{
    public const string UnixScheme = "unix:";

    public const string Via = " via ";

    public static string ThroughEdge(string host, int port, string edge) => $"http://{host}:{port}{Via}{edge}";

    public static string ForUnixSocket(string path) => UnixScheme + path;

    /// <summary>A handler that sends every request to the replica at <paramref name="address"/>, keeping connections open.</summary>
    public static SocketsHttpHandler CreateHandler(string address, int maxConnections = 64)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = maxConnections,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (address.StartsWith(UnixScheme, StringComparison.Ordinal))
        {
            var path = address[UnixScheme.Length..];
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                // Every connection, not once: the replica may replace its socket at any time.
                ReplicaSocket.Check(path);
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        else if (address.IndexOf(Via, StringComparison.Ordinal) is var via and > 0)
        {
            var edge = address[(via + Via.Length)..];
            handler.ConnectCallback = (context, cancellationToken) => EdgeTunnel.OpenAsync(edge, context.DnsEndPoint, cancellationToken);
        }

        return handler;
    }

    /// <summary>The base address requests carry: the unix socket's requests still need an http:// URI.</summary>
    public static Uri BaseUri(string address) =>
        address.StartsWith(UnixScheme, StringComparison.Ordinal) ? new Uri("http://replica/")
        : address.IndexOf(Via, StringComparison.Ordinal) is var via and > 0 ? new Uri(address[..via].TrimEnd('/') + "/")
        : new Uri(address.TrimEnd('/') + "/");
}
