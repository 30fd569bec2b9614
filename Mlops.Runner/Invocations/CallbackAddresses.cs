using System.Net;
using System.Net.Sockets;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Where a callback may connect, decided on the address itself and at the moment of connecting: the host's name
/// is resolved once, every address it gives is checked, and the socket connects to those checked addresses — a
/// name that resolves to a public address when accepted and to 127.0.0.1 later (DNS rebinding) reaches nothing.
/// </summary>
public static class CallbackAddresses
{
    /// <summary>A handler for callbacks: no redirect followed, no proxy, every connection through <see cref="ConnectAsync"/>.</summary>
    public static SocketsHttpHandler CreateHandler(RunnerOptions options) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, options, cancellationToken),
    };

    /// <summary>Why the address may not be reached, or null when it may.</summary>
    public static string? Refusal(IPAddress address, RunnerOptions options)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return options.AllowLoopbackCallbacks ? null : "loopback (Runner:AllowLoopbackCallbacks is off)";
        }

        if (IsNeverReached(address))
        {
            return "link-local, multicast or unspecified";
        }

        if (IsPrivate(address))
        {
            return options.AllowPrivateCallbacks ? null : "a private network's (Runner:AllowPrivateCallbacks is off)";
        }

        return null;
    }

    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint target, RunnerOptions options, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(target.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(target.Host, cancellationToken);
        foreach (var address in addresses)
        {
            if (Refusal(address, options) is { } why)
            {
                // Every address checked, not only the first: the socket may fall back to any of them.
                throw new HttpRequestException(HttpRequestError.ConnectionError,
                    $"the callback host '{Bounded.Text(target.Host, Bounded.NameLength)}' resolves to {address}, which is {why}");
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, target.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Cloud metadata services live at link-local addresses: never a callback's, whatever is configured.</summary>
    private static bool IsNeverReached(IPAddress address)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6Multicast || address.IsIPv6SiteLocal;
        }

        var bytes = address.GetAddressBytes();
        return bytes[0] == 0 || (bytes[0] == 169 && bytes[1] == 254) || bytes[0] >= 224;
    }

    private static bool IsPrivate(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // fc00::/7, unique local addresses.
            return (address.GetAddressBytes()[0] & 0xFE) == 0xFC;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
    }
}
