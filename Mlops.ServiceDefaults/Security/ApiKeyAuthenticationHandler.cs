using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mlops.Keys;

namespace Mlops.ServiceDefaults.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>, on REST and gRPC alike (gRPC metadata are HTTP/2 headers). The
/// principal carries the key's name, id and role; the answers to a missing or refused key are written by
/// <see cref="AuthorizationResponses"/>.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, KeyVerifier verifier)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyIdClaim = "mlops.key_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken(Request.Headers.Authorization.ToString()) is not { } secret)
        {
            return AuthenticateResult.NoResult();
        }

        var verdict = await verifier.VerifyAsync(secret, ClientAddress.Of(Context), Context.RequestAborted);
        if (verdict.RetryAfter is { } wait)
        {
            return AuthenticateResult.Fail(new AuthenticationThrottled(wait));
        }

        if (verdict.Key is not { } key)
        {
            return AuthenticateResult.Fail("the API key is not valid (unknown or revoked)");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role), new Claim(KeyIdClaim, key.Id)],
            SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    internal static string? BearerToken(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header[7..].Trim() is { Length: > 0 } token ? token : null;
}
