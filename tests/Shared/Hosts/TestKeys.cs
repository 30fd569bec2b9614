using Mlops.Keys;

namespace Mlops.Testing;

/// <summary>Keys put straight into a key store, for a gateway tested without a runner to issue them.</summary>
public static class TestKeys
{
    /// <summary>Writes secrets/admin.key under <paramref name="dataDirectory"/> and adds it to keys.db there; returns the folder.</summary>
    public static async Task<string> SeedAdminAsync(string dataDirectory)
    {
        var (key, _) = KeyFiles.Ensure(Path.Combine(KeyFiles.SecretsPath(dataDirectory), KeyFiles.AdminKeyFile));
        await new KeyStore(dataDirectory).ImportAsync(key, "test admin", Roles.Admin, DateTimeOffset.UtcNow, CancellationToken.None);
        return dataDirectory;
    }
}
