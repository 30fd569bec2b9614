using Mlops.Runner.Registry;
using Mlops.Runner.Registry.Embedded;

namespace Mlops.Runner.Tests.Registry;

public sealed class EmbeddedRegistryTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mlops-registry-test-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Reopened_KeepsRunsModelsVersionsAliasesAndArtifacts()
    {
        var before = new EmbeddedRegistry(_folder.FullName);
        var run = await before.CreateRunAsync("train", "r", DateTimeOffset.UtcNow, new Dictionary<string, string> { ["k"] = "v" }, CancellationToken.None);
        await before.LogAsync(run.Id, new Dictionary<string, string> { ["seed"] = "1" }, new Dictionary<string, double> { ["accuracy"] = 0.93 }, DateTimeOffset.UtcNow, CancellationToken.None);
        await before.UploadArtifactAsync(run.Id, "model/model.zip", new MemoryStream([1, 2, 3]), CancellationToken.None);
        await before.FinishRunAsync(run.Id, RunStatus.Finished, DateTimeOffset.UtcNow, CancellationToken.None);
        await before.CreateModelVersionAsync("iris_model", run.Id, "model", CancellationToken.None);
        await before.SetAliasAsync("iris_model", "champion", 1, CancellationToken.None);

        var after = new EmbeddedRegistry(_folder.FullName);

        var read = await after.GetRunAsync(run.Id, CancellationToken.None);
        Assert.Equal((RunStatus.Finished, "1", 0.93, "v"), (read.Status, read.Params["seed"], read.Metrics["accuracy"], read.Tags["k"]));
        Assert.Equal(1, (await after.GetVersionByAliasAsync("iris_model", "champion", CancellationToken.None)).Version);
        Assert.Equal(["model/model.zip"], await after.ListArtifactsAsync(run.Id, "model", CancellationToken.None));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("model//x")]
    [InlineData("model/../../x")]
    public async Task ArtifactPaths_OutsideTheRun_AreRefused(string path)
    {
        var registry = new EmbeddedRegistry(_folder.FullName);
        var run = await registry.CreateRunAsync("train", "r", DateTimeOffset.UtcNow, new Dictionary<string, string>(), CancellationToken.None);

        var error = await Assert.ThrowsAsync<RunnerException>(() => registry.UploadArtifactAsync(run.Id, path, new MemoryStream([1]), CancellationToken.None));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }
}
