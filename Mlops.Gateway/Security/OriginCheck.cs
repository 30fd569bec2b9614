using Mlops.ServiceDefaults.Security;

namespace Mlops.Gateway.Security;

/// <summary>
/// A browser names the page that sent a request in Origin. The gateway serves only its own pages (same host
/// and port, as NGINX passes them) and the origins in Auth:AllowedOrigins: a cross-site form or fetch from
/// any other page is refused with 403 before it reaches anything, whatever key it might carry.
/// </summary>
public sealed class OriginCheck(RequestDelegate next, AuthOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || IsAllowed(origin, context.Request.Host))
        {
            return next(context);
        }

        return EdgeErrors.WriteAsync(context, StatusCodes.Status403Forbidden, 7, "FORBIDDEN_ORIGIN",
            "requests from other sites' pages are refused (Origin does not match this host; see Auth:AllowedOrigins)");
    }

    private bool IsAllowed(string origin, HostString host) =>
        (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, host.Value, StringComparison.OrdinalIgnoreCase)) ||
        options.AllowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
}
