namespace Mlops.Keys.Tests;

public sealed class KeyStoreTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("mlops-keys-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Create_StoresOnlyTheHash_AndFindsTheKeyBySecret()
    {
        var store = new KeyStore(_data);

        var issued = await store.CreateAsync("ci", Roles.Developer, DateTimeOffset.UtcNow, CancellationToken.None);
        var found = await store.FindAsync(issued.Secret, includeRevoked: false, CancellationToken.None);

        Assert.StartsWith(ApiKeys.Prefix, issued.Secret);
        Assert.Equal((issued.Record.Id, Roles.Developer), (found?.Id, found?.Role));
        Assert.DoesNotContain(issued.Secret, Convert.ToBase64String(await File.ReadAllBytesAsync(Path.Combine(_data, "keys.db"))));
        Assert.Null(await store.FindAsync(issued.Secret + "x", includeRevoked: false, CancellationToken.None));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Import_OfARevokedKeysFile_DoesNotReviveIt()
    {
        var store = new KeyStore(_data);
        var (secret, created) = KeyFiles.Ensure(Path.Combine(KeyFiles.SecretsPath(_data), KeyFiles.AdminKeyFile));
        await store.ImportAsync(secret, "admin", Roles.Admin, DateTimeOffset.UtcNow, CancellationToken.None);
        var id = (await store.FindAsync(secret, includeRevoked: false, CancellationToken.None))!.Id;

        await store.RevokeAsync(id, DateTimeOffset.UtcNow, CancellationToken.None);
        await store.ImportAsync(KeyFiles.Ensure(Path.Combine(KeyFiles.SecretsPath(_data), KeyFiles.AdminKeyFile)).Key, "admin", Roles.Admin, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.True(created);
        Assert.Null(await store.FindAsync(secret, includeRevoked: false, CancellationToken.None));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(KeyFiles.SecretsPath(_data), KeyFiles.AdminKeyFile)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(KeyFiles.SecretsPath(_data)));
    }

    [Fact]
    public async Task Revoke_UnknownId_IsNull_AndTheServiceKeyCannotBeRevokedOrListed()
    {
        var store = new KeyStore(_data);
        await store.ImportAsync(ApiKeys.Generate(), "gateway", Roles.Service, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Null(await store.RevokeAsync("key-nope", DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Empty(await store.ListAsync(CancellationToken.None));
    }
}
