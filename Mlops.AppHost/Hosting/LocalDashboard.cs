namespace Mlops.AppHost.Hosting;

/// <summary>
/// Aspire's dashboard as this machine needs it: plain HTTP on loopback at fixed ports (18888, OTLP 4317 gRPC and
/// 4318 HTTP; Ports:dashboard:http|otlp-grpc|otlp move them), its telemetry API keyed with
/// data/secrets/dashboard.key, and nothing that reaches for the internet (version checks, usage telemetry, Copilot,
/// the container tunnel that would pull an image); Aspire's own settings for those win when given.
/// </summary>
public static class LocalDashboard
{
    public static IDistributedApplicationBuilder UseLocalDashboard(this IDistributedApplicationBuilder builder, AppSecrets? secrets)
    {
        var configuration = builder.Configuration;
        // Where it listens is ours to say, like every other port of the app (Aspire.Hosting.Testing would pick
        // "localhost", which is two addresses here, IPv4 and IPv6).
        configuration["ASPNETCORE_URLS"] = Ports.LoopbackUrl(configuration.Port("dashboard", "http", 18888));
        configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = Ports.LoopbackUrl(configuration.Port("dashboard", "otlp-grpc", 4317));
        configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = Ports.LoopbackUrl(configuration.Port("dashboard", "otlp", 4318));
        // The AppHost's own resource service, which only the dashboard calls: with no address, Aspire takes a free
        // port on 127.0.0.1 (a loopback address given would be bound as "localhost": two addresses, one too many).
        configuration["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = "";
        Default("ASPIRE_ALLOW_UNSECURED_TRANSPORT", "true");
        Default("ASPIRE_VERSION_CHECK_DISABLED", "true");
        Default("ASPIRE_DASHBOARD_TELEMETRY_OPTOUT", "true");
        Default("ASPIRE_DASHBOARD_AI_DISABLED", "true");
        // Pulls mcr.microsoft.com/azurelinux/base/core and builds with BuildKit; while it fails no container starts.
        Default("ASPIRE_ENABLE_CONTAINER_TUNNEL", "false");
        // Telemetry in memory for the run, as before Aspire; ASPIRE_DASHBOARD_PERSISTENCE_MODE=Run keeps the last runs on disk.
        Default("ASPIRE_DASHBOARD_PERSISTENCE_MODE", "None");

        // Aspire makes these keys when the builder is created; ours replace them.
        if (secrets is not null)
        {
            configuration["AppHost:DashboardApiKey"] = secrets.DashboardKey;
        }

        // A fixed login token (tests, scripts); new on every start otherwise.
        if (configuration["Dashboard:Token"] is { Length: > 0 } token)
        {
            configuration["AppHost:BrowserToken"] = token;
        }

        return builder;

        void Default(string key, string value)
        {
            if (string.IsNullOrEmpty(configuration[key]))
            {
                configuration[key] = value;
            }
        }
    }
}
