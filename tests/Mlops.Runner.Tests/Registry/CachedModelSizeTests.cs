using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Registry;
using Mlops.Runner.Registry.Embedded;
using Mlops.Runner.Storage;

namespace Mlops.Runner.Tests.Registry;

public sealed class CachedModelSizeTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-cache-size-");
    private readonly EmbeddedRegistry _registry;
    private readonly ModelCache _cache;

    public CachedModelSizeTests()
    {
        _registry = new EmbeddedRegistry(Path.Combine(_root.FullName, "registry"));
        var options = Options.Create(new RunnerOptions { DataPath = Path.Combine(_root.FullName, "data"), ModelCacheMb = 64 });
        _cache = new ModelCache(_registry, new ModelDigests(options), options, TimeProvider.System, NullLogger<ModelCache>.Instance);
    }

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Get_ACachedModelCutShortSinceItWasPutInPlace_IsFetchedAgainNotHandedOut()
    {
        var version = await RegisterAsync(new byte[100_000]);
        var folder = await _cache.GetAsync(version, CancellationToken.None);
        // What a crash or a full disk leaves: the file's name, not all of its bytes.
        using (var file = new FileStream(Path.Combine(folder, "model.zip"), FileMode.Open))
        {
            file.SetLength(10);
        }

        var again = await _cache.GetAsync(version, CancellationToken.None);

        Assert.Equal(folder, again);
        Assert.Equal(100_000, new FileInfo(Path.Combine(again, "model.zip")).Length);
        Assert.Single(Directory.GetDirectories(Path.GetDirectoryName(folder)!));
    }

    [Fact]
    public async Task Get_FirstUse_FlushesTheDownloadBeforePublishingIt()
    {
        var version = await RegisterAsync(new byte[1_000]);
        var before = DurableFile.Flushes;

        await _cache.GetAsync(version, CancellationToken.None);

        // The file, its folder, the sizes record and its folder, the cache folder after the rename.
        Assert.True(DurableFile.Flushes - before >= 4);
    }

    private async Task<ModelVersion> RegisterAsync(byte[] model)
    {
        var staged = Directory.CreateDirectory(Path.Combine(_root.FullName, "staged", Guid.NewGuid().ToString("N")));
        await File.WriteAllBytesAsync(Path.Combine(staged.FullName, "model.zip"), model);
        var run = await _registry.CreateRunAsync("train", "r", DateTimeOffset.UtcNow, new Dictionary<string, string>(), CancellationToken.None);
        await _registry.UploadArtifactAsync(run.Id, "model/model.zip", new MemoryStream(model), CancellationToken.None);
        var sums = await ModelChecksums.ComputeAsync(staged.FullName, CancellationToken.None);
        await _registry.UploadArtifactAsync(run.Id, ModelChecksums.ArtifactPathFor("model"), new MemoryStream(ModelChecksums.Serialize(sums)), CancellationToken.None);
        return await _registry.CreateModelVersionAsync("size_model", run.Id, "model", CancellationToken.None);
    }
}
