using Mlops.AppHost.Hosting;

namespace Mlops.AppHost.Tests;

/// <summary>The summary is a log record (it goes to the console, the dashboard and OTLP): it points to the admin key, never shows it.</summary>
public sealed class StartupSummaryTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("mlops-summary-");

    [Fact]
    public void Text_OnTheFirstStart_GivesTheAdminKeysPathAndACat_NeverTheKey()
    {
        var secrets = AppSecrets.Ensure(_data.FullName);
        var key = File.ReadAllText(secrets.AdminKeyPath).Trim();

        var text = StartupSummary.Text([("gateway", "http", 5080)], secrets);

        Assert.True(secrets.AdminKeyCreated);
        Assert.DoesNotContain(key, text);
        Assert.Contains($"in {secrets.AdminKeyPath}", text);
        Assert.Contains($"cat {secrets.AdminKeyPath}", text);
        Assert.Contains("http://127.0.0.1:5080", text);
    }

    [Fact]
    public void Text_OnALaterStart_GivesOnlyThePath()
    {
        AppSecrets.Ensure(_data.FullName);
        var later = AppSecrets.Ensure(_data.FullName);

        var text = StartupSummary.Text([], later);

        Assert.False(later.AdminKeyCreated);
        Assert.DoesNotContain(File.ReadAllText(later.AdminKeyPath).Trim(), text);
        Assert.DoesNotContain("cat ", text);
        Assert.Contains(later.AdminKeyPath, text);
    }

    public void Dispose() => _data.Delete(recursive: true);
}
