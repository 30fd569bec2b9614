using Mlops.ServiceDefaults.Security;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// The keys the app starts with, under &lt;data&gt;/secrets: the first admin key (printed once, the start that
/// creates it) and the key the gateway and the dashboard use for their own calls. The runner adds both to its
/// key store when it starts.
/// </summary>
internal sealed record AppSecrets(string AdminKeyPath, string AdminKey, bool AdminKeyCreated, string ServiceKey)
{
    public static AppSecrets Ensure(string dataPath)
    {
        var secrets = KeyFiles.SecretsPath(dataPath);
        var adminPath = Path.Combine(secrets, KeyFiles.AdminKeyFile);
        var (admin, created) = KeyFiles.Ensure(adminPath);
        var (service, _) = KeyFiles.Ensure(Path.Combine(secrets, KeyFiles.ServiceKeyFile));
        return new AppSecrets(adminPath, admin, created, service);
    }
}
