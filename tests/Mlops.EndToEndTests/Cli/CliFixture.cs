using Mlops.EndToEndTests.Hosting;

namespace Mlops.EndToEndTests.Cli;

/// <summary>
/// One whole system (the AppHost, as the README starts it) for every CLI test, since a start takes half a minute on
/// two cores, and one training through the CLI, which the tests of models, predictions and endpoints need.
/// </summary>
public sealed class CliFixture : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private AspireSystem? _app;

    public AspireSystem App => _app ?? throw new InvalidOperationException("the system did not start");

    /// <summary>A folder with no Mlops.sln above it, so that only the environment gives the CLI its key.</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("mlops-cli-").FullName;

    /// <summary>`mlops invoke train -p n_estimators=20`, run once.</summary>
    public CliRun Training { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = await AspireSystem.StartAsync(TimeSpan.FromMinutes(4));
        // A cold start builds the train image first: more time than any later call.
        Training = await RunAsync(TimeSpan.FromMinutes(10), "invoke", "train", "-p", "n_estimators=20");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>mlops with the system's gRPC port and the admin key, as MLOPS_URL and MLOPS_API_KEY.</summary>
    public Task<CliRun> RunAsync(params string[] args) => RunAsync(Bound, args);

    public Task<CliRun> RunAsync(TimeSpan bound, params string[] args) =>
        CliProcess.RunAsync(new Dictionary<string, string?> { ["MLOPS_URL"] = App.FrontDoorGrpc, ["MLOPS_API_KEY"] = App.AdminKey }, Folder, bound, args);

    /// <summary>mlops with a key the system never issued.</summary>
    public Task<CliRun> RunWithKeyAsync(string key, params string[] args) =>
        CliProcess.RunAsync(new Dictionary<string, string?> { ["MLOPS_URL"] = App.FrontDoorGrpc, ["MLOPS_API_KEY"] = key }, Folder, Bound, args);
}
