using Mlops.Cli.Connection;

namespace Mlops.Cli.Tests;

/// <summary>Where the CLI connects and which key it sends: flags, then the environment, then the repository it runs in.</summary>
public sealed class ConnectionSettingsTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-cli-key-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void ApiKey_FromTheEnvironment_WinsOverTheRepositorysFile()
    {
        var inside = Repository("mlops_from-file");

        Assert.Equal("mlops_from-env", ApiKey.Resolve(" mlops_from-env\n", inside));
    }

    [Fact]
    public void ApiKey_WithoutTheVariable_IsTheAdminKeyOfTheRepositoryAbove()
    {
        var inside = Repository("mlops_from-file\n");

        Assert.Equal("mlops_from-file", ApiKey.Resolve(null, inside));
    }

    [Fact]
    public void ApiKey_InARepositoryNeverStarted_SaysWhichFileIsMissing()
    {
        File.WriteAllText(Path.Combine(_root.FullName, "Mlops.sln"), "");

        var error = Assert.Throws<CliException>(() => ApiKey.Resolve("", _root.FullName));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains("MLOPS_API_KEY", error.Message);
        Assert.Contains(Path.Combine(_root.FullName, "data", "secrets", "admin.key"), error.Message);
    }

    [Fact]
    public void ApiKey_OutsideAnyRepository_SaysHowToGiveOne()
    {
        var error = Assert.Throws<CliException>(() => ApiKey.Resolve(null, _root.FullName));

        Assert.StartsWith("no API key: set MLOPS_API_KEY", error.Message);
        Assert.Contains("no Mlops.sln above", error.Message);
    }

    [Theory]
    [InlineData(null, null, "http://127.0.0.1:8081/")]
    [InlineData(null, "127.0.0.1:9000", "http://127.0.0.1:9000/")]
    [InlineData("http://localhost:7000", "127.0.0.1:9000", "http://localhost:7000/")]
    [InlineData("https://mlops.example:443", null, "https://mlops.example/")]
    public void ServerAddress_FlagThenEnvironmentThenNginxsGrpcPort(string? flag, string? environment, string expected)
    {
        Assert.Equal(expected, ServerAddress.Resolve(flag, environment).ToString());
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("http://")]
    public void ServerAddress_ThatIsNotHttp_IsAUsageError(string flag)
    {
        var error = Assert.Throws<CliException>(() => ServerAddress.Resolve(flag, null));

        Assert.Equal(2, error.ExitCode);
    }

    /// <summary>A repository with an admin key, and a folder two levels inside it to run from.</summary>
    private string Repository(string key)
    {
        File.WriteAllText(Path.Combine(_root.FullName, "Mlops.sln"), "");
        Directory.CreateDirectory(Path.Combine(_root.FullName, "data", "secrets"));
        File.WriteAllText(Path.Combine(_root.FullName, "data", "secrets", "admin.key"), key);
        return Directory.CreateDirectory(Path.Combine(_root.FullName, "functions", "train")).FullName;
    }
}
