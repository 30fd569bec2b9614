using Mlops.Keys;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// The keys the app starts with, under &lt;data&gt;/secrets (0600 each): the first admin key (its path printed, never
/// the key), the key the gateway uses for its own calls, and the key of the dashboard's telemetry API, so that
/// scripts can read traces. The runner adds the first two to its key store when it starts.
/// </summary>
public sealed record AppSecrets(string AdminKeyPath, bool AdminKeyCreated, string DashboardKeyPath, string DashboardKey)
{
    public const string DashboardKeyFile = "dashboard.key";

    public static AppSecrets Ensure(string dataPath)
    {
        var secrets = KeyFiles.SecretsPath(dataPath);
        var adminPath = Path.Combine(secrets, KeyFiles.AdminKeyFile);
        var (_, created) = KeyFiles.Ensure(adminPath);
        KeyFiles.Ensure(Path.Combine(secrets, KeyFiles.ServiceKeyFile));
        var dashboardPath = Path.Combine(secrets, DashboardKeyFile);
        var (dashboard, _) = KeyFiles.Ensure(dashboardPath);
        return new AppSecrets(adminPath, created, dashboardPath, dashboard);
    }
}
