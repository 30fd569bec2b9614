using System.Security.Claims;
using Mlops.ServiceDefaults.Security;

namespace Mlops.Gateway.Serving;

/// <summary>Whose prediction it is, for the per-key bounds: the key's id (empty for a caller without one).</summary>
public static class CallerKey
{
    public static string Of(ClaimsPrincipal? user) => user?.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) ?? "";
}
