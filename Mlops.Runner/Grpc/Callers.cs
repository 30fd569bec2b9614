using System.Security.Claims;
using Grpc.Core;
using Mlops.Keys;
using Mlops.ServiceDefaults.Security;

namespace Mlops.Runner.Grpc;

internal static class Callers
{
    /// <summary>The key the call was authenticated with (the gateway passes the user's own key on).</summary>
    public static Caller Of(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        return new Caller(user.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim), user.IsInRole(Roles.Admin));
    }
}
