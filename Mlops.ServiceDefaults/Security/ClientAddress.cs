using Microsoft.AspNetCore.Http;

namespace Mlops.ServiceDefaults.Security;

/// <summary>
/// The address a request came from, for per-client limits. Behind NGINX (a loopback peer) it is the last
/// X-Forwarded-For entry, the one NGINX appended; entries before it are whatever the client claimed.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress;
        if (peer is not null && System.Net.IPAddress.IsLoopback(peer)
            && context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var last = forwarded[(forwarded.LastIndexOf(',') + 1)..].Trim();
            if (last.Length is > 0 and <= 64)
            {
                return last;
            }
        }

        return peer?.ToString() ?? "unknown";
    }
}
