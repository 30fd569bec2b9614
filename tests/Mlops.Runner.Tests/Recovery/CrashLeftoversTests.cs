using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Invocations;
using Mlops.Runner.Recovery;

namespace Mlops.Runner.Tests.Recovery;

public sealed class CrashLeftoversTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mlops-leftovers-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Start_RemovesWorkspacesRunFoldersDownloadsAndPartialArtifacts_ButKeepsModelsAndArtifacts()
    {
        var data = Path.Combine(_root, "data");
        var workspace = Directory.CreateDirectory(Path.Combine(data, "invocations", "0123abcd", "output", "model")).FullName;
        File.WriteAllText(Path.Combine(workspace, "model.zip"), "weights");
        var runFolder = Directory.CreateDirectory(Path.Combine(data, "replicas", "r-0123")).FullName;
        var download = Directory.CreateDirectory(Path.Combine(data, "model-cache", "iris_model", ".download-abc")).FullName;
        var cached = Directory.CreateDirectory(Path.Combine(data, "model-cache", "iris_model", "1-run")).FullName;
        var artifacts = Directory.CreateDirectory(Path.Combine(data, "registry", "artifacts", "run-1", "model")).FullName;
        File.WriteAllText(Path.Combine(artifacts, "model.zip"), "weights");
        File.WriteAllText(Path.Combine(artifacts, "model.zip.0a1b.partial"), "half");
        var options = Options.Create(new RunnerOptions { DataPath = data, FunctionsPath = _root, LogsPath = _root });
        var history = new InvocationStore(options, NullLogger<InvocationStore>.Instance);
        var halfWrittenResult = Path.Combine(history.ResultsDirectory, "0123.json.partial");
        File.WriteAllText(halfWrittenResult, "{");
        var swept = new Mlops.Runner.Containers.FirstSweep();
        var leftovers = new CrashLeftovers(options, history, TimeProvider.System, NullLogger<CrashLeftovers>.Instance, swept);

        await leftovers.StartAsync(CancellationToken.None);
        swept.Complete();
        await leftovers.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(data, "invocations")));
        Assert.False(Directory.Exists(runFolder));
        Assert.False(Directory.Exists(download));
        Assert.True(Directory.Exists(cached));
        Assert.Equal(["model.zip"], Directory.EnumerateFiles(artifacts).Select(Path.GetFileName));
        Assert.False(File.Exists(halfWrittenResult));
    }
}
