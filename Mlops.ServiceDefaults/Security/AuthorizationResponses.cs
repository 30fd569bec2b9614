using System.Security.Claims;
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

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            var message = ApiKeyAuthenticationHandler.BearerToken(context.Request.Headers.Authorization.ToString()) is null
                ? "an API key is required: send 'Authorization: Bearer <key>' (an admin's key is in data/secrets/admin.key)"
                : "the API key is not valid (unknown or revoked)";
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return EdgeErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, 16, "UNAUTHENTICATED", message);
        }

        if (authorizeResult.Forbidden)
        {
            var needed = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct();
            var message = $"the key '{context.User.Identity?.Name}' has the role '{context.User.FindFirst(ClaimTypes.Role)?.Value}'; this call needs one of: {string.Join(", ", needed)}";
            return EdgeErrors.WriteAsync(context, StatusCodes.Status403Forbidden, 7, "PERMISSION_DENIED", message);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
