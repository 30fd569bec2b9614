using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Pipelines;
using Mlops.Runner.Tests.Invocations;

namespace Mlops.Runner.Tests.Pipelines.Steps;

/// <summary>A function step through the real conductor (fake engine): artifacts in and out, a model kept rather than registered, its timeout.</summary>
public sealed class FunctionStepTests : IAsyncLifetime
{
    private readonly ConductorHarness _harness = new();
    private readonly ArtifactStore _store;
    private readonly FunctionStep _step;

    public FunctionStepTests()
    {
        _store = new ArtifactStore(
            Options.Create(new RunnerOptions { DataPath = _harness.DataDirectory }), Options.Create(new PipelineOptions()), TimeProvider.System, NullLogger<ArtifactStore>.Instance);
        _step = new FunctionStep(_harness.Conductor, _store, NullLogger<FunctionStep>.Instance);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Execute_ATrainingWithAnInputArtifact_StagesItAndKeepsItsModelAsAnArtifactWithoutRegisteringIt()
    {
        var dataset = await PutAsync("dataset", ("train.csv", "a,b\n1,2\n"));
        string? staged = null;
        _harness.Engine.OnStart = spec =>
        {
            var input = spec.Mounts.Single(m => m.Target == ContainerSpec.InputMount).Source;
            staged = File.ReadAllText(Path.Combine(input, "artifacts", "dataset", "train.csv"));
            Write(spec, "result.json", """{"metrics": {"macro_f1": 0.9}, "params": {"n_estimators": 25}}""");
            Write(spec, "model/model.zip", "weights");
            Write(spec, "artifacts/report/summary.txt", "fine");
        };
        var progress = new RecordedProgress();

        var outputs = await _step.ExecuteAsync(StepWorks.Function("trainer", [], new Dictionary<string, string> { ["dataset"] = dataset }, item: 2), progress, CancellationToken.None)
            .WaitAsync(ConductorHarness.Bound);

        Assert.Equal("a,b\n1,2\n", staged);
        Assert.Equal(["model", "report"], outputs.Artifacts.Keys.Order());
        Assert.True(_store.ContainsAll(outputs.Artifacts.Values));
        Assert.Equal("weights", File.ReadAllText(Path.Combine(_store.PathOf(outputs.Artifacts["model"]), "model.zip")));
        Assert.Equal(0.9, outputs.Result["metrics"]!["macro_f1"]!.GetValue<double>());
        Assert.Equal("train[2]", outputs.Source);
        Assert.Equal(dataset, outputs.InputArtifacts["dataset"]);
        Assert.Single(progress.Invocations);
        Assert.Empty(_harness.Recorder.Successes);
        Assert.Empty(await _harness.Registry.ListModelsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Execute_AnArtifactThatIsALink_FailsTheStepAndStoresNothing()
    {
        _harness.Engine.OnStart = spec =>
        {
            Write(spec, "result.json", "{}");
            var output = spec.Mounts.Single(m => m.Target == ContainerSpec.OutputMount).Source;
            Directory.CreateDirectory(Path.Combine(output, "artifacts"));
            Directory.CreateSymbolicLink(Path.Combine(output, "artifacts", "dataset"), "/etc");
        };

        var error = await Assert.ThrowsAsync<RunnerException>(() => _step.ExecuteAsync(StepWorks.Function("work", []), new RecordedProgress(), CancellationToken.None)
            .WaitAsync(ConductorHarness.Bound));

        Assert.Equal(ErrorKind.FunctionFailed, error.Kind);
        Assert.Contains("not a plain folder", error.Message);
    }

    [Fact]
    public async Task Execute_TheFunctionRefusesItsInput_FailsWithTheFunctionsCode()
    {
        _harness.Engine.ExitCode = 1;
        _harness.Engine.OnStart = spec => Write(spec, "error.json", """{"code": "INVALID_ARGUMENT", "message": "test_size must be below 1"}""");

        var error = await Assert.ThrowsAsync<RunnerException>(() => _step.ExecuteAsync(StepWorks.Function("work", []), new RecordedProgress(), CancellationToken.None)
            .WaitAsync(ConductorHarness.Bound));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public async Task Execute_TheStepsTimeoutPasses_CancelsTheInvocationAndIsDeadlineExceeded()
    {
        _harness.Engine.RunsUntilKilled = true;
        var work = StepWorks.Function("trainer", []) with { Step = StepWorks.Function("trainer", []).Step with { Timeout = TimeSpan.FromMilliseconds(300) } };

        var error = await Assert.ThrowsAsync<RunnerException>(() =>
            StepDeadline.RunAsync(work, token => _step.ExecuteAsync(work, new RecordedProgress(), token), CancellationToken.None).WaitAsync(ConductorHarness.Bound));

        Assert.Equal(ErrorKind.DeadlineExceeded, error.Kind);
        Assert.Contains("steps.train.timeoutSeconds", error.Message);
        await ConductorHarness.WaitUntilAsync(() => _harness.Engine.Existing.Count == 0);
        Assert.Empty(_harness.Recorder.Failures);
    }

    private async Task<string> PutAsync(string name, params (string Path, string Content)[] files)
    {
        var source = Path.Combine(_harness.DataDirectory, "sources", name);
        foreach (var (relative, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(source, relative))!);
            await File.WriteAllTextAsync(Path.Combine(source, relative), content);
        }

        using var lease = _store.Hold([]);
        return await _store.PutAsync(name, source, lease, CancellationToken.None);
    }

    private static void Write(ContainerSpec spec, string relativePath, string content)
    {
        var path = Path.Combine(spec.Mounts.Single(m => m.Target == ContainerSpec.OutputMount).Source, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
