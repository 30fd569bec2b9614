using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mlops.Keys;
using Mlops.ServiceDefaults.Security;

namespace Mlops.Runner.Tests.Security;

/// <summary>The Auth section as both services read it: the key store's settings and the edge's, bound into one object.</summary>
public sealed class AuthSettingsTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-auth-settings-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void AddApiKeyAuthentication_BindsTheKeyStoresSettingsAndTheEdges_AsOneObject()
    {
        var builder = Builder(new()
        {
            ["Auth:DataPath"] = "keys-here",
            ["Auth:CacheSeconds"] = "7",
            ["Auth:FailuresPerMinute"] = "3",
            ["Auth:AllowedOrigins:0"] = "https://mlops.example.com",
        });

        builder.AddApiKeyAuthentication("../data");
        using var host = builder.Build();

        var auth = host.Services.GetRequiredService<AuthOptions>();
        Assert.Equal((Path.Combine(_root.FullName, "keys-here"), 7.0, 3), (auth.DataPath, auth.CacheSeconds, auth.FailuresPerMinute));
        Assert.Equal(["https://mlops.example.com"], auth.AllowedOrigins);
        Assert.Same(auth, host.Services.GetRequiredService<KeyOptions>());
    }

    [Fact]
    public void AddApiKeyAuthentication_ASettingOutOfRange_IsRefusedAtStart_NamingIt()
    {
        var builder = Builder(new() { ["Auth:KnownKeysCached"] = "0" });

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddApiKeyAuthentication("../data"));

        Assert.Equal("Auth:KnownKeysCached must be at least 1 (it is 0)", refused.Message);
    }

    private HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _root.FullName, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }
}
