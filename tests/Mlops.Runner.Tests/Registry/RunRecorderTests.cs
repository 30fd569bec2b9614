using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Mlops.Runner.Registry;
using Mlops.Runner.Registry.Embedded;

namespace Mlops.Runner.Tests.Registry;

/// <summary>The MLmodel file a recorded version gets; what every backend must keep of it is in the contract suite.</summary>
public sealed class RunRecorderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-recorder-test-");
    private readonly EmbeddedRegistry _registry;
    private readonly RunRecorder _recorder;
    private readonly string _model;
    private readonly string _log;

    public RunRecorderTests()
    {
        _registry = new EmbeddedRegistry(Path.Combine(_root.FullName, "registry"));
        _recorder = new RunRecorder(_registry, TimeProvider.System, NullLogger<RunRecorder>.Instance);
        _model = Directory.CreateDirectory(Path.Combine(_root.FullName, "model")).FullName;
        File.WriteAllBytes(Path.Combine(_model, "weights.bin"), [1, 2, 3]);
        _log = Path.Combine(_root.FullName, "invocation.log");
        File.WriteAllText(_log, "trained\n");
    }

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task RecordSuccess_TheSameKeptModelTwice_GivesEachRunItsOwnMLmodel_AndLeavesTheFolderAsItWas()
    {
        // What the outbox does: a training kept while the registry was down is recorded later, as a new run.
        var first = await RecordAsync();
        var second = await RecordAsync();

        Assert.Contains($"run_id: {Yaml(first.RunId!)}\n", await MlmodelOfAsync(first));
        Assert.Contains($"run_id: {Yaml(second.RunId!)}\n", await MlmodelOfAsync(second));
        Assert.Contains("flavors: {}\n", await MlmodelOfAsync(first));
        Assert.Equal(["weights.bin"], Directory.GetFiles(_model).Select(Path.GetFileName));
    }

    [Fact]
    public async Task RecordSuccess_AModelWithItsOwnMLmodel_KeepsItAsTheFunctionWroteIt()
    {
        const string Own = "flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n";
        await File.WriteAllTextAsync(Path.Combine(_model, "MLmodel"), Own);

        var recorded = await RecordAsync();

        Assert.Equal(Own, await MlmodelOfAsync(recorded));
        using var sums = new MemoryStream();
        await _registry.DownloadArtifactAsync(recorded.RunId!, "model.sha256.json", sums, CancellationToken.None);
        Assert.Equal(["MLmodel", "weights.bin"], ModelChecksums.Deserialize(sums.ToArray()).Keys);
    }

    private Task<RecordedTraining> RecordAsync() => _recorder.RecordSuccessAsync(
        new TrainingContext("0123456789abcdef", "train", "recorded_model", null, DateTimeOffset.UtcNow, [], _log),
        new TrainingResult([], [], []), _model, CancellationToken.None);

    private async Task<string> MlmodelOfAsync(RecordedTraining recorded)
    {
        using var content = new MemoryStream();
        await _registry.DownloadArtifactAsync(recorded.RunId!, "model/MLmodel", content, CancellationToken.None);
        return Encoding.UTF8.GetString(content.ToArray());
    }

    /// <summary>A run id as the MLmodel writer puts it: quoted when it starts with a digit, YAML would otherwise read a number.</summary>
    private static string Yaml(string runId) => char.IsAsciiDigit(runId[0]) ? $"'{runId}'" : runId;
}
