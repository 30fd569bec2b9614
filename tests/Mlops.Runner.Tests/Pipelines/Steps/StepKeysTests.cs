using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Mlops.Runner.Functions;
using Mlops.Runner.Pipelines;
using Mlops.Runner.Registry.Embedded;

namespace Mlops.Runner.Tests.Pipelines.Steps;

/// <summary>How a step's cache key is formed for each kind of step.</summary>
public sealed class StepKeysTests : IDisposable
{
    private const string Image = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-step-keys-test-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task ForFunction_ADefaultGivenOrLeftOut_IsTheSameKey()
    {
        var manifest = await ManifestAsync();

        var omitted = StepKeys.ForFunction(StepWorks.Function("train", []), manifest, Image);
        var given = StepKeys.ForFunction(StepWorks.Function("train", new JsonObject { ["n_estimators"] = 100.0 }), manifest, Image);

        Assert.Equal(omitted, given);
        Assert.Equal(CacheKey.Compute($"train@{Image}", new JsonObject { ["n_estimators"] = 100 }, new Dictionary<string, string>()), omitted);
    }

    [Fact]
    public async Task ForFunction_AnotherImageParameterOrInputArtifact_IsAnotherKey()
    {
        var manifest = await ManifestAsync();
        var inputs = new Dictionary<string, string> { ["dataset"] = "sha256:" + new string('a', 64) };
        var key = StepKeys.ForFunction(StepWorks.Function("train", [], inputs), manifest, Image);

        Assert.NotEqual(key, StepKeys.ForFunction(StepWorks.Function("train", [], inputs), manifest, Image.Replace('1', '2')));
        Assert.NotEqual(key, StepKeys.ForFunction(StepWorks.Function("train", new JsonObject { ["n_estimators"] = 25 }, inputs), manifest, Image));
        Assert.NotEqual(key, StepKeys.ForFunction(StepWorks.Function("train", [], new Dictionary<string, string> { ["dataset"] = "sha256:" + new string('b', 64) }), manifest, Image));
    }

    [Fact]
    public void ForAction_TheActionsNameAndWhatItDependsOn_AreInTheKey()
    {
        var parameters = new JsonObject { ["name"] = "iris_model" };

        var register = StepKeys.ForAction(StepWorks.Action("register", parameters), null);

        Assert.Equal(CacheKey.Compute("action:register", parameters, new Dictionary<string, string>()), register);
        Assert.NotEqual(register, StepKeys.ForAction(StepWorks.Action("alias", parameters), null));
        Assert.NotEqual(StepKeys.ForAction(StepWorks.Action("deploy", parameters), "models:/iris_model/1"), StepKeys.ForAction(StepWorks.Action("deploy", parameters), "models:/iris_model/2"));
    }

    [Fact]
    public async Task DeployResolve_AnAliasThatMoved_IsAnotherVersion()
    {
        var registry = new EmbeddedRegistry(Path.Combine(_root.FullName, "registry"));
        var first = await VersionAsync(registry);
        var second = await VersionAsync(registry);
        var work = StepWorks.Action("deploy", new JsonObject { ["endpoint"] = "iris", ["model"] = "iris_model", ["version"] = "@champion" }, id: "deploy");

        await registry.SetAliasAsync("iris_model", "champion", first, CancellationToken.None);
        var before = (await DeployAction.ResolveAsync(registry, work, CancellationToken.None))?.Uri;
        await registry.SetAliasAsync("iris_model", "champion", second, CancellationToken.None);
        var after = (await DeployAction.ResolveAsync(registry, work, CancellationToken.None))?.Uri;

        Assert.Equal(("models:/iris_model/1", "models:/iris_model/2"), (before, after));
        Assert.NotEqual(StepKeys.ForAction(work, before), StepKeys.ForAction(work, after));
    }

    private async Task<FunctionManifest> ManifestAsync()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root.FullName, "functions", "train")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, FunctionManifest.FileName),
            """{"parameters": {"n_estimators": {"type": "integer", "default": 100}}}""");
        return await new FunctionCatalog(Options.Create(new RunnerOptions { FunctionsPath = Path.GetDirectoryName(folder)! })).GetAsync("train", CancellationToken.None);
    }

    private static async Task<int> VersionAsync(EmbeddedRegistry registry)
    {
        var run = await registry.CreateRunAsync("iris", "train", DateTimeOffset.UtcNow, new Dictionary<string, string>(), CancellationToken.None);
        await registry.UploadArtifactAsync(run.Id, "model/model.zip", new MemoryStream([1]), CancellationToken.None);
        return (await registry.CreateModelVersionAsync("iris_model", run.Id, "model", CancellationToken.None)).Version;
    }
}
