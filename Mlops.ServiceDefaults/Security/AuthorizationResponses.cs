using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Mlops.ServiceDefaults.Security;

/// <summary>
/// A missing or unknown key is 401 (gRPC: Unauthenticated), a key without the role is 403 (PermissionDenied),
/// each with a sentence that says what to do: JSON over REST, a trailers-only status over gRPC. Never a page.
/// </summary>
public sealed class AuthorizationResponses : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // The handler remembers its result for the request: this asks again without a second look-up.
        if (authorizeResult.Challenged && (await context.AuthenticateAsync()).Failure is AuthenticationThrottled throttled)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(throttled.RetryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            CloseIfBodyUnread(context);
            await EdgeErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, 8, "RESOURCE_EXHAUSTED",
                $"too many refused API keys from this client (Auth:FailuresPerMinute); retry after {seconds} s");
            return;
        }

        if (authorizeResult.Challenged)
        {
            CloseIfBodyUnread(context);
            var message = ApiKeyAuthenticationHandler.BearerToken(context.Request.Headers.Authorization.ToString()) is null
                ? "an API key is required: send 'Authorization: Bearer <key>' (an admin's key is in data/secrets/admin.key)"
                : "the API key is not valid (unknown or revoked)";
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await EdgeErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, 16, "UNAUTHENTICATED", message);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            CloseIfBodyUnread(context);
            var needed = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct();
            var message = $"the key '{context.User.Identity?.Name}' has the role '{context.User.FindFirst(ClaimTypes.Role)?.Value}'; this call needs one of: {string.Join(", ", needed)}";
            await EdgeErrors.WriteAsync(context, StatusCodes.Status403Forbidden, 7, "PERMISSION_DENIED", message);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    /// <summary>
    /// A refused request's body is never read (it is refused on its headers); over HTTP/1.1 the connection then
    /// closes, so the server neither reads the rest nor mistakes it for the next request.
    /// </summary>
    private static void CloseIfBodyUnread(HttpContext context)
    {
        if (context.Request.Protocol == "HTTP/1.1" && (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            && context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true)
        {
            context.Response.Headers.Connection = "close";
        }
    }
}
