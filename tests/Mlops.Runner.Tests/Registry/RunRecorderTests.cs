using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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
        _recorder = new RunRecorder(
            _registry, new ModelDigests(Options.Create(new RunnerOptions { DataPath = Path.Combine(_root.FullName, "data") })), TimeProvider.System, NullLogger<RunRecorder>.Instance);
        _model = Directory.CreateDirectory(Path.Combine(_root.FullName, "model")).FullName;
        File.WriteAllBytes(Path.Combine(_model, "weights.bin"), [1, 2, 3]);
        _log = Path.Combine(_root.FullName, "invocation.log");
        File.WriteAllText(_log, "trained\n");
    }

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task RecordSuccess_TheSameKeptModelTwice_GivesEachRunItsOwnMLmodel_AndLeavesTheFolderAsItWas()
    {
        // Two trainings of one kept model folder: each run's MLmodel names that run.
        var first = await RecordAsync("0123456789abcdef");
        var second = await RecordAsync("fedcba9876543210");

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

    [Fact]
    public async Task RecordSuccess_TheSameInvocationTwice_IsOneRunAndOneVersion()
    {
        // What the outbox does after a crash between recording a training and removing it: records it again.
        var first = await RecordAsync();
        var again = await RecordAsync();

        Assert.Equal(first.RunId, again.RunId);
        Assert.Equal(first.Version, again.Version);
        Assert.Single(await _registry.ListVersionsAsync("recorded_model", CancellationToken.None));
        Assert.Single(await _registry.ListRunsAsync("train", 10, CancellationToken.None));
    }

    [Fact]
    public async Task RecordSuccess_ARunLeftWithoutItsVersion_IsTakenUpAndGetsOne()
    {
        // A recording cut short after its run was created: the next one finishes that run, not another.
        var cut = await _registry.CreateRunAsync("train", "train-01234567", DateTimeOffset.UtcNow,
            new Dictionary<string, string> { [RunRecorder.RunTags.InvocationId] = "0123456789abcdef" }, CancellationToken.None);

        var recorded = await RecordAsync();

        Assert.Equal(cut.Id, recorded.RunId);
        Assert.Equal(cut.Id, Assert.Single(await _registry.ListVersionsAsync("recorded_model", CancellationToken.None)).RunId);
        Assert.Equal(RunStatus.Finished, (await _registry.GetRunAsync(cut.Id, CancellationToken.None)).Status);
    }

    private Task<RecordedTraining> RecordAsync(string invocationId = "0123456789abcdef") => _recorder.RecordSuccessAsync(
        new TrainingContext(invocationId, "train", "recorded_model", null, DateTimeOffset.UtcNow, [], _log),
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
