using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Registry;
using Mlops.Runner.Registry.Mlflow;
using Mlops.Testing;

namespace Mlops.Runner.Tests.Registry;

/// <summary>What MLflow lists and serves is checked, never trusted: names that climb out, and a model changed behind the runner's back.</summary>
public sealed class MlflowPeerTests : IAsyncLifetime
{
    private const string RunId = "0123456789abcdef0123456789abcdef";
    private const string Model = "1/" + RunId + "/artifacts/model";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-peer-test-");
    private readonly FakeMlflowServer _mlflow = new();
    private readonly ModelVersion _version = new("peer_model", 1, RunId, "model", DateTimeOffset.UnixEpoch, []);
    private HttpClient _http = null!;
    private ModelDigests _digests = null!;
    private ModelCache _cache = null!;

    private string DataPath => Path.Combine(_root.FullName, "data");

    public Task InitializeAsync()
    {
        _http = new HttpClient { BaseAddress = _mlflow.Address, Timeout = Bound };
        var options = Options.Create(new RunnerOptions { DataPath = DataPath });
        _digests = new ModelDigests(options);
        _cache = new ModelCache(new MlflowRegistry(new MlflowClient(_http)), _digests, options, TimeProvider.System, NullLogger<ModelCache>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _mlflow.DisposeAsync();
        _root.Delete(recursive: true);
    }

    [Fact]
    public async Task Get_MlflowListsDotDotFolders_IsRefused_AndWritesNothingOutsideTheCache()
    {
        // Three ".." deep from the download folder is the runner's data folder, outside the model cache.
        _mlflow.Listings[Model] = [("..", true)];
        _mlflow.Listings[Model + "/.."] = [("..", true)];
        _mlflow.Listings[Model + "/../.."] = [("..", true)];
        _mlflow.Listings[Model + "/../../.."] = [("escaped.txt", false)];
        _mlflow.Files["escaped.txt"] = "written by a peer"u8.ToArray();
        // The checksum file main read first: so that a runner that trusts it gets as far as writing.
        _mlflow.Listings[Model[..Model.LastIndexOf('/')]] = [("model", true), ("model.sha256.json", false)];
        _mlflow.Files["model.sha256.json"] = "{}"u8.ToArray();

        var refused = await Assert.ThrowsAsync<RunnerException>(() => _cache.GetAsync(_version, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.Contains("not a file name", refused.Message);
        Assert.Empty(Directory.EnumerateFiles(_root.FullName, "escaped.txt", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../escaped.txt")]
    [InlineData("/etc/escaped.txt")]
    [InlineData("")]
    public async Task Get_MlflowListsANameThatIsNotAFileName_IsRefused(string name)
    {
        _mlflow.Listings[Model] = [(name, false)];
        _mlflow.Files["escaped.txt"] = "written by a peer"u8.ToArray();

        var refused = await Assert.ThrowsAsync<RunnerException>(() => _cache.GetAsync(_version, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.DoesNotContain(Directory.EnumerateFiles(_root.FullName, "*", SearchOption.AllDirectories), f => !f.Contains(ModelDigests.Folder, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_AModelChangedInMlflowSinceTheRunnerRegisteredIt_IsRefused_WhateverTheChecksumFileBesideItSays()
    {
        var original = await SumsOfAsync("weights");
        await _digests.KeepAsync(_version, original, CancellationToken.None);
        // Whoever changes the model changes the checksum file beside it too.
        _mlflow.Listings[Model] = [("model.bin", false)];
        _mlflow.Listings["1/" + RunId + "/artifacts"] = [("model", true), ("model.sha256.json", false)];
        _mlflow.Files["model/model.bin"] = "tampered"u8.ToArray();
        _mlflow.Files["model.sha256.json"] = ModelChecksums.Serialize(await SumsOfAsync("tampered"));

        var refused = await Assert.ThrowsAsync<RunnerException>(() => _cache.GetAsync(_version, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.Contains("differ from the digests the runner kept", refused.Message);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(DataPath, ModelCache.Folder, _version.Name)));
    }

    [Fact]
    public async Task Get_AVersionTheRunnerNeverSaw_IsVouchedForByItsFirstDownload()
    {
        _mlflow.Listings[Model] = [("model.bin", false)];
        _mlflow.Files["model/model.bin"] = "weights"u8.ToArray();

        var folder = await _cache.GetAsync(_version, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("weights", await File.ReadAllTextAsync(Path.Combine(folder, "model.bin")));
        Assert.Equal(await SumsOfAsync("weights"), await _digests.GetAsync(_version, CancellationToken.None));
    }

    private async Task<SortedDictionary<string, string>> SumsOfAsync(string content)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root.FullName, "sums", Guid.NewGuid().ToString("N")));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "model.bin"), content);
        return await ModelChecksums.ComputeAsync(folder.FullName, CancellationToken.None);
    }
}
