using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Pipelines;
using Mlops.Runner.Registry;
using Mlops.Runner.Registry.Embedded;

namespace Mlops.Runner.Tests.Pipelines.Steps;

/// <summary>`register` through the real recorder and the embedded registry: a version whose run carries the lineage.</summary>
public sealed class RegisterActionTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-register-test-");
    private readonly EmbeddedRegistry _registry;
    private readonly ArtifactStore _store;
    private readonly RegisterAction _register;

    public RegisterActionTests()
    {
        var options = Options.Create(new RunnerOptions { DataPath = Path.Combine(_root.FullName, "data") });
        _registry = new EmbeddedRegistry(Path.Combine(_root.FullName, "registry"));
        _store = new ArtifactStore(options, Options.Create(new PipelineOptions()), TimeProvider.System, NullLogger<ArtifactStore>.Instance);
        var recorder = new RunRecorder(_registry, new ModelDigests(options), TimeProvider.System, NullLogger<RunRecorder>.Instance);
        _register = new RegisterAction(recorder, _store, TimeProvider.System);
    }

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Execute_TheBestModel_RegistersAVersionWhoseRunCarriesTheLineage()
    {
        var model = await ModelAsync();
        var winner = new StepOutputs([], new Dictionary<string, string> { ["model"] = model })
        {
            Source = "train[1]",
            InputArtifacts = new Dictionary<string, string> { ["dataset"] = "sha256:" + new string('d', 64), ["extra"] = "sha256:" + new string('e', 64) },
        };
        var work = StepWorks.Action("register", Parameters(model), new Dictionary<string, StepOutputs> { ["best"] = winner }, id: "register");

        var result = (await _register.ExecuteAsync(work, CancellationToken.None)).Result;

        Assert.Equal(("iris_model", 1, "models:/iris_model/1"), (result["name"]!.GetValue<string>(), result["version"]!.GetValue<int>(), result["uri"]!.GetValue<string>()));
        var run = await _registry.GetRunAsync(result["runId"]!.GetValue<string>(), CancellationToken.None);
        Assert.Equal("iris", run.Tags["mlops.pipeline"]);
        Assert.Equal("run-1", run.Tags["mlops.pipeline_run"]);
        Assert.Equal("register", run.Tags["mlops.pipeline_step"]);
        Assert.Equal("train[1]", run.Tags["mlops.source_step"]);
        Assert.Equal($"dataset=sha256:{new string('d', 64)},extra=sha256:{new string('e', 64)}", run.Tags["mlops.input_digests"]);
        Assert.Equal(0.97, run.Metrics["macro_f1"]);
        Assert.Equal("50", run.Params["n_estimators"]);
        var files = await _registry.ListArtifactsAsync(run.Id, "model", CancellationToken.None);
        Assert.Contains("model/model.zip", files);
    }

    [Fact]
    public async Task Execute_TheSameStepAgain_TakesUpTheVersionTheFirstAttemptRegistered()
    {
        var model = await ModelAsync();
        var work = StepWorks.Action("register", Parameters(model), id: "register");

        var first = (await _register.ExecuteAsync(work, CancellationToken.None)).Result;
        var second = (await _register.ExecuteAsync(work, CancellationToken.None)).Result;

        Assert.Equal(first["version"]!.GetValue<int>(), second["version"]!.GetValue<int>());
        Assert.Single(await _registry.ListVersionsAsync("iris_model", CancellationToken.None));
    }

    [Fact]
    public async Task Execute_AModelThatIsNotAnArtifactReference_IsInvalidArgumentNamingModel()
    {
        var error = await Assert.ThrowsAsync<RunnerException>(() => _register.ExecuteAsync(StepWorks.Action("register", Parameters("train"), id: "register"), CancellationToken.None));

        Assert.Equal("steps.register.parameters.model", Assert.Single(error.Violations).Field);
    }

    private static JsonObject Parameters(string model) => new()
    {
        ["name"] = "iris_model",
        ["model"] = model,
        ["metrics"] = new JsonObject { ["macro_f1"] = 0.97 },
        ["params"] = new JsonObject { ["n_estimators"] = 50 },
    };

    private async Task<string> ModelAsync()
    {
        var source = Directory.CreateDirectory(Path.Combine(_root.FullName, "model")).FullName;
        await File.WriteAllTextAsync(Path.Combine(source, "model.zip"), "weights");
        using var lease = _store.Hold([]);
        return await _store.PutAsync("model", source, lease, CancellationToken.None);
    }
}
