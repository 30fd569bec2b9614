using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Registry;
using Mlops.Runner.Registry.Embedded;

namespace Mlops.Runner.Tests.Registry;

public sealed class ModelCacheTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-cache-test-");
    private readonly EmbeddedRegistry _registry;
    private readonly ModelCache _cache;
    private readonly ModelDigests _digests;

    public ModelCacheTests()
    {
        _registry = new EmbeddedRegistry(Path.Combine(_root.FullName, "registry"));
        var options = Options.Create(new RunnerOptions { DataPath = Path.Combine(_root.FullName, "data"), ModelCacheMb = 1 });
        _digests = new ModelDigests(options);
        _cache = new ModelCache(_registry, _digests, options, TimeProvider.System, NullLogger<ModelCache>.Instance);
    }

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Get_ConcurrentFirstUses_AllGetTheSameCompleteCopy()
    {
        var version = await RegisterAsync(new Dictionary<string, byte[]> { ["model.zip"] = new byte[200_000], ["meta/model.json"] = "{}"u8.ToArray() });

        var folders = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _cache.GetAsync(version, CancellationToken.None))));

        var folder = Assert.Single(folders.Distinct());
        Assert.Equal(200_000, new FileInfo(Path.Combine(folder, "model.zip")).Length);
        Assert.Equal("{}", await File.ReadAllTextAsync(Path.Combine(folder, "meta", "model.json")));
        Assert.Single(Directory.GetDirectories(Path.GetDirectoryName(folder)!));
    }

    [Fact]
    public async Task Get_FileNamesWhoseCaseOrdersThemDifferently_StillMatchTheirChecksums()
    {
        // Ordinal order puts "Weights.bin" first, a culture's order puts "a.json" first.
        var version = await RegisterAsync(new Dictionary<string, byte[]> { ["Weights.bin"] = [1, 2, 3], ["a.json"] = "{}"u8.ToArray() });

        var folder = await _cache.GetAsync(version, CancellationToken.None);

        Assert.Equal(["Weights.bin", "a.json"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Get_ADamagedArtifact_IsRefusedAndNotCached()
    {
        var version = await RegisterAsync(new Dictionary<string, byte[]> { ["model.zip"] = [1, 2, 3] });
        await _registry.UploadArtifactAsync(version.RunId, "model/model.zip", new MemoryStream([9, 9, 9]), CancellationToken.None);

        var error = await Assert.ThrowsAsync<RunnerException>(() => _cache.GetAsync(version, CancellationToken.None));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains("differ from the digests the runner kept", error.Message);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_root.FullName, "data", "model-cache", version.Name)));
    }

    [Fact]
    public async Task Get_PastTheBudget_EvictsTheLeastRecentlyUsedVersionNotUsedForTenMinutes()
    {
        var old = await RegisterAsync(new Dictionary<string, byte[]> { ["model.zip"] = new byte[700_000] });
        var fresh = await RegisterAsync(new Dictionary<string, byte[]> { ["model.zip"] = new byte[700_000] });
        var oldFolder = await _cache.GetAsync(old, CancellationToken.None);
        Directory.SetLastWriteTimeUtc(oldFolder, DateTime.UtcNow.AddHours(-1));

        var freshFolder = await _cache.GetAsync(fresh, CancellationToken.None);

        Assert.False(Directory.Exists(oldFolder));
        Assert.True(File.Exists(Path.Combine(freshFolder, "model.zip")));
    }

    [Fact]
    public async Task Get_PastTheBudget_SparesAVersionUsedInTheLastTenMinutes()
    {
        var inUse = await RegisterAsync(new Dictionary<string, byte[]> { ["model.zip"] = new byte[700_000] });
        var other = await RegisterAsync(new Dictionary<string, byte[]> { ["model.zip"] = new byte[700_000] });
        var inUseFolder = await _cache.GetAsync(inUse, CancellationToken.None);
        // Older than the other, so that only the ten-minute rule can spare it (not a tie of timestamps).
        Directory.SetLastWriteTimeUtc(inUseFolder, DateTime.UtcNow.AddMinutes(-5));

        await _cache.GetAsync(other, CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(inUseFolder, "model.zip")));
    }

    private async Task<ModelVersion> RegisterAsync(Dictionary<string, byte[]> files)
    {
        var staged = Directory.CreateDirectory(Path.Combine(_root.FullName, "staged", Guid.NewGuid().ToString("N")));
        foreach (var (path, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(staged.FullName, path))!);
            await File.WriteAllBytesAsync(Path.Combine(staged.FullName, path), content);
        }

        var run = await _registry.CreateRunAsync("train", "r", DateTimeOffset.UtcNow, new Dictionary<string, string>(), CancellationToken.None);
        foreach (var path in files.Keys)
        {
            await _registry.UploadArtifactAsync(run.Id, $"model/{path}", new MemoryStream(files[path]), CancellationToken.None);
        }

        var sums = await ModelChecksums.ComputeAsync(staged.FullName, CancellationToken.None);
        // As the recorder does: the digests kept by the runner, not beside the model.
        var version = await _registry.CreateModelVersionAsync("cached_model", run.Id, "model", CancellationToken.None);
        await _digests.KeepAsync(version, sums, CancellationToken.None);
        return version;
    }
}
