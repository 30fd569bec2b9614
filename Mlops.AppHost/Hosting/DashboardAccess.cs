using System.Security.Cryptography;
using System.Text;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Who may use the dashboard and its OTLP receiver, as Aspire's dashboard decides it: a browser token, given
/// once through the printed login URL and kept as a cookie, and an API key the services send with their
/// telemetry (OTEL_EXPORTER_OTLP_HEADERS). Both are new on each start unless configured (Dashboard:Token,
/// Dashboard:OtlpApiKey).
/// </summary>
internal sealed class DashboardAccess(string browserToken, string otlpApiKey)
{
    public const string CookieName = "mlops_dashboard";
    public const string OtlpHeader = "x-otlp-api-key";

    public string BrowserToken { get; } = browserToken;

    public string OtlpApiKey { get; } = otlpApiKey;

    public static DashboardAccess From(IConfiguration configuration) => new(
        configuration["Dashboard:Token"] is { Length: > 0 } token ? token : NewSecret(),
        configuration["Dashboard:OtlpApiKey"] is { Length: > 0 } key ? key : NewSecret());

    public string LoginUrl(string dashboardUrl) => $"{dashboardUrl}/login?t={Uri.EscapeDataString(BrowserToken)}";

    public async Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        if (path == "/health")
        {
            await next(context);
        }
        else if (path.StartsWithSegments("/v1"))
        {
            if (Matches(context.Request.Headers[OtlpHeader].ToString(), OtlpApiKey))
            {
                await next(context);
            }
            else
            {
                await RefuseAsync(context, $"telemetry needs the {OtlpHeader} header the AppHost gives its services");
            }
        }
        else if (path == "/login")
        {
            if (!Matches(context.Request.Query["t"].ToString(), BrowserToken))
            {
                await RefuseAsync(context, "this login link is not valid; use the one the AppHost printed when it started");
                return;
            }

            context.Response.Cookies.Append(CookieName, BrowserToken, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            context.Response.Redirect("/");
        }
        else if (Matches(context.Request.Cookies[CookieName] ?? "", BrowserToken) ||
                 Matches(context.Request.Headers.Authorization.ToString(), $"Bearer {BrowserToken}"))
        {
            await next(context);
        }
        else
        {
            await RefuseAsync(context, "log in with the dashboard URL the AppHost printed when it started (it carries ?t=<token>)");
        }
    }

    private static Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return context.Response.WriteAsJsonAsync(new { error = message }, context.RequestAborted);
    }

    private static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
