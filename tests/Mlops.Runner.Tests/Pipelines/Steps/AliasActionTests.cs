using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Mlops.Runner.Pipelines;
using Mlops.Runner.Registry.Embedded;

namespace Mlops.Runner.Tests.Pipelines.Steps;

/// <summary>`alias` with and without ifBetter, against the embedded registry in a temp folder.</summary>
public sealed class AliasActionTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-alias-test-");
    private readonly EmbeddedRegistry _registry;
    private readonly AliasAction _alias;

    public AliasActionTests()
    {
        _registry = new EmbeddedRegistry(_root.FullName);
        _alias = new AliasAction(_registry, NullLogger<AliasAction>.Instance);
    }

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Execute_IfBetterWithNoHolder_SetsTheAlias()
    {
        var version = await VersionAsync(0.8);

        var result = (await _alias.ExecuteAsync(Work(version, "max"), CancellationToken.None)).Result;

        Assert.Equal((version, true, null), (result["version"]!.GetValue<int>(), result["changed"]!.GetValue<bool>(), result["previous"]));
        Assert.Equal(version, (await _registry.GetVersionByAliasAsync("iris_model", "champion", CancellationToken.None)).Version);
    }

    [Theory]
    [InlineData(0.9, 0.95, "max", true)]
    [InlineData(0.9, 0.85, "max", false)]
    [InlineData(0.9, 0.9, "max", false)]
    [InlineData(0.3, 0.2, "min", true)]
    [InlineData(0.3, 0.4, "min", false)]
    public async Task Execute_IfBetterWithAHolder_MovesOnlyForABetterMetric(double holderScore, double candidateScore, string goal, bool moves)
    {
        var holder = await VersionAsync(holderScore);
        await _registry.SetAliasAsync("iris_model", "champion", holder, CancellationToken.None);
        var candidate = await VersionAsync(candidateScore);

        var result = (await _alias.ExecuteAsync(Work(candidate, goal), CancellationToken.None)).Result;

        Assert.Equal(moves, result["changed"]!.GetValue<bool>());
        Assert.Equal(holder, result["previous"]!.GetValue<int>());
        Assert.Equal(moves ? candidate : holder, result["version"]!.GetValue<int>());
        Assert.Equal(moves ? candidate : holder, (await _registry.GetVersionByAliasAsync("iris_model", "champion", CancellationToken.None)).Version);
    }

    [Fact]
    public async Task Execute_WithoutIfBetter_MovesTheAliasWhateverTheMetrics()
    {
        var holder = await VersionAsync(0.99);
        await _registry.SetAliasAsync("iris_model", "champion", holder, CancellationToken.None);
        var candidate = await VersionAsync(0.1);

        var result = (await _alias.ExecuteAsync(Work(candidate, goal: null), CancellationToken.None)).Result;

        Assert.True(result["changed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Execute_TheHoldersRunLacksTheMetric_CountsAsBetter()
    {
        var holder = await VersionAsync(null);
        await _registry.SetAliasAsync("iris_model", "champion", holder, CancellationToken.None);

        var result = (await _alias.ExecuteAsync(Work(await VersionAsync(0.5), "max"), CancellationToken.None)).Result;

        Assert.True(result["changed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Execute_TheCandidatesRunLacksTheMetric_IsFailedPrecondition()
    {
        var holder = await VersionAsync(0.5);
        await _registry.SetAliasAsync("iris_model", "champion", holder, CancellationToken.None);
        var candidate = await VersionAsync(null);

        var error = await Assert.ThrowsAsync<RunnerException>(() => _alias.ExecuteAsync(Work(candidate, "max"), CancellationToken.None));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
    }

    [Fact]
    public async Task Execute_AVersionThatDoesNotExist_IsNotFound()
    {
        await VersionAsync(0.5);

        var error = await Assert.ThrowsAsync<RunnerException>(() => _alias.ExecuteAsync(Work(7, "max"), CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task Execute_AVersionThatIsNotANumber_IsInvalidArgumentNamingIt()
    {
        var parameters = new JsonObject { ["name"] = "iris_model", ["alias"] = "champion", ["version"] = "three" };

        var error = await Assert.ThrowsAsync<RunnerException>(() => _alias.ExecuteAsync(StepWorks.Action("alias", parameters, id: "promote"), CancellationToken.None));

        Assert.Equal("steps.promote.parameters.version", Assert.Single(error.Violations).Field);
    }

    private static StepWork Work(int version, string? goal)
    {
        var parameters = new JsonObject { ["name"] = "iris_model", ["alias"] = "champion", ["version"] = version };
        if (goal is not null)
        {
            parameters["ifBetter"] = new JsonObject { ["metric"] = "macro_f1", ["goal"] = goal };
        }

        return StepWorks.Action("alias", parameters, id: "promote");
    }

    private async Task<int> VersionAsync(double? macroF1)
    {
        var run = await _registry.CreateRunAsync("iris", "train", DateTimeOffset.UtcNow, new Dictionary<string, string>(), CancellationToken.None);
        var metrics = macroF1 is { } score ? new Dictionary<string, double> { ["macro_f1"] = score } : [];
        await _registry.LogAsync(run.Id, new Dictionary<string, string>(), metrics, DateTimeOffset.UtcNow, CancellationToken.None);
        await _registry.UploadArtifactAsync(run.Id, "model/model.zip", new MemoryStream([1, 2, 3]), CancellationToken.None);
        return (await _registry.CreateModelVersionAsync("iris_model", run.Id, "model", CancellationToken.None)).Version;
    }
}
