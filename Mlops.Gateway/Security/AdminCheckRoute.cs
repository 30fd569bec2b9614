using Mlops.ServiceDefaults.Security;

namespace Mlops.Gateway.Security;

/// <summary>
/// GET /auth/admin: 204 for an admin's key, 401/403 otherwise. NGINX asks it (auth_request) before letting a
/// caller through to a backend that has no keys of its own, such as MLflow's UI and API.
/// </summary>
public static class AdminCheckRoute
{
    public static IEndpointRouteBuilder MapAdminCheck(this IEndpointRouteBuilder app)
    {
        app.MapGet("/auth/admin", () => Results.NoContent()).RequireAuthorization(Permissions.Admin);
        return app;
    }
}
