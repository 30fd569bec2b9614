using System.Net;
using System.Net.Sockets;

namespace Mlops.Cli.Tests;

/// <summary>
/// The CLI's own build run as a process, as a user runs it, with no system to talk to: what it refuses before sending
/// anything exits 2, a server it cannot reach exits 1, each with one line on stderr that says what to do.
/// </summary>
public sealed class ExitCodeTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>A folder with no Mlops.sln above it, so that only the environment gives the CLI its key.</summary>
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mlops-cli-");

    /// <summary>An address where nothing listens (a port just given up).</summary>
    private readonly string _nowhere = $"http://127.0.0.1:{ClosedPort()}";

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData(new[] { "invoke" }, "function")]
    [InlineData(new[] { "no-such-verb" }, "no-such-verb")]
    public async Task AUsageError_ExitsTwo_NamingWhatIsWrong(string[] args, string named)
    {
        var run = await RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(named, run.Err);
    }

    [Fact]
    public async Task Help_ExitsZero_ListingTheVerbs()
    {
        var run = await RunAsync("--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("invoke", run.Out);
        Assert.Contains("predict", run.Out);
    }

    [Fact]
    public async Task AnyCommand_WithoutAKey_ExitsTwoSayingHowToGiveOne()
    {
        var run = await CliProcess.RunAsync(new Dictionary<string, string?> { ["MLOPS_URL"] = _nowhere }, _folder.FullName, Bound, "functions");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: no API key: set MLOPS_API_KEY", run.Err);
        Assert.Contains("data/secrets/admin.key", run.Err);
    }

    [Theory]
    [InlineData(new[] { "invoke", "train", "-p", "n_estimators" }, "error: -p takes key=value (got 'n_estimators')")]
    [InlineData(new[] { "invoke", "train", "--params-json", "[1, 2]" }, "error: --params-json must be a JSON object")]
    [InlineData(new[] { "predict", "iris" }, "error: nothing to predict: give --instances")]
    [InlineData(new[] { "pipeline", "run", "iris", "--input", "n_estimators" }, "error: --input takes key=value (got 'n_estimators')")]
    [InlineData(new[] { "functions", "--url", "ftp://127.0.0.1:21" }, "error: 'ftp://127.0.0.1:21' is not a server address")]
    public async Task AMistakeInWhatToSend_ExitsTwoBeforeSendingAnything_SayingWhat(string[] args, string error)
    {
        var run = await RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(error, run.Err);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task AnyCommand_WithNothingListening_ExitsOneUnavailable_AskingWhetherTheSystemRuns()
    {
        var run = await RunAsync("functions");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: UNAVAILABLE: ", run.Err);
        Assert.Contains($"is the system running and listening at {_nowhere}/?", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.Equal("", run.Out);
    }

    /// <summary>mlops with a key and an address where nothing listens: nothing these tests run reaches a server.</summary>
    private Task<CliRun> RunAsync(params string[] args) =>
        CliProcess.RunAsync(new Dictionary<string, string?> { ["MLOPS_URL"] = _nowhere, ["MLOPS_API_KEY"] = "mlops_test-key" }, _folder.FullName, Bound, args);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
