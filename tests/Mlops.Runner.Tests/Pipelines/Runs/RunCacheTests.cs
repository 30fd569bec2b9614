using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;
using static Mlops.Runner.Tests.Pipelines.Runs.TestPlans;

namespace Mlops.Runner.Tests.Pipelines.Runs;

public sealed class RunCacheTests : IAsyncLifetime
{
    private readonly RunsHarness _harness = new();

    private static PipelineDefinition Chain(bool pipelineCache = true, bool stepCache = true) => Plan("p", pipelineCache,
        Step("a", Parameters(("seed", new Reference("inputs.seed")))),
        Step("b", artifacts: new Dictionary<string, ValueTemplate> { ["data"] = new Reference("steps.a.artifacts.out") }, cache: stepCache));

    [Fact]
    public async Task Run_NothingChanged_EveryStepComesFromTheCacheOfTheFirstRun()
    {
        _harness.Add(Chain());
        var (first, _) = await _harness.RunAsync("p");

        var (second, error) = await _harness.RunAsync("p");

        Assert.Null(error);
        var run = RunsHarness.Completed(second);
        Assert.All(run.Steps, step => Assert.True(step.CacheHit));
        Assert.All(run.Steps, step => Assert.Equal(RunsHarness.Completed(first).Id, step.CacheSourceRun));
        Assert.Equal(RunsHarness.Completed(first).Steps.Select(s => s.CacheKey), run.Steps.Select(s => s.CacheKey));
        Assert.Equal(["a", "b"], _harness.Executor.Executed.Order());
        var cached = Assert.Single(second.OfType<StepCached>(), e => e.Step == "b");
        Assert.Equal(RunsHarness.Completed(first).Id, cached.SourceRun);
        Assert.Equal(second.IndexOf(cached) + 1, second.FindIndex(e => e is StepCompleted { Step: "b" }));
    }

    [Fact]
    public async Task Run_AnInputChanged_RerunsOnlyWhatItReaches()
    {
        _harness.Executor.Behaviours["a"] = (work, _) => Task.FromResult(new StepOutputs(new JsonObject(), new Dictionary<string, string> { ["out"] = "sha256:same" }));
        _harness.Add(Chain());
        await _harness.RunAsync("p");

        var (second, _) = await _harness.RunAsync("p", inputs: new JsonObject { ["seed"] = 7 });

        var run = RunsHarness.Completed(second);
        Assert.Equal([false, true], run.Steps.Select(step => step.CacheHit));
        Assert.Equal(["a", "a", "b"], _harness.Executor.Executed.Order());
    }

    [Theory]
    [InlineData(false, true, false)]
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    public async Task Run_ACacheSwitchIsOff_RunsAgain(bool pipelineCache, bool stepCache, bool noCache)
    {
        _harness.Add(Chain(pipelineCache, stepCache));
        await _harness.RunAsync("p");

        var (second, _) = await _harness.RunAsync("p", noCache);

        var hits = RunsHarness.Completed(second).Steps.Select(step => step.CacheHit).ToList();
        Assert.Equal(noCache ? [false, false] : [pipelineCache, pipelineCache && stepCache], hits);
    }

    [Fact]
    public async Task Run_NoCache_StillStoresWhatItProducedForLaterRuns()
    {
        _harness.Add(Chain());
        var (first, _) = await _harness.RunAsync("p", noCache: true);

        var (second, _) = await _harness.RunAsync("p");

        Assert.All(RunsHarness.Completed(second).Steps, step => Assert.Equal(RunsHarness.Completed(first).Id, step.CacheSourceRun));
    }

    [Fact]
    public async Task Run_ACachedArtifactIsGone_IsAMiss()
    {
        _harness.Add(Chain());
        var (first, _) = await _harness.RunAsync("p");
        _harness.Artifacts.Missing[RunsHarness.Completed(first).Steps[1].Artifacts["out"]] = true;

        var (second, _) = await _harness.RunAsync("p");

        Assert.Equal([true, false], RunsHarness.Completed(second).Steps.Select(step => step.CacheHit));
    }

    [Fact]
    public async Task Run_MapItems_AreCachedOneByOne()
    {
        _harness.Add(Plan("p", Step("t", Parameters(("n", new Reference("item"))), map: Map([1, 2]))));
        await _harness.RunAsync("p");
        _harness.Add(Plan("p", Step("t", Parameters(("n", new Reference("item"))), map: Map([1, 2, 3]))));

        var (second, _) = await _harness.RunAsync("p");

        Assert.Equal([true, true, false], RunsHarness.Completed(second).Steps[0].Items.Select(item => item.CacheHit));
        Assert.Equal(1, _harness.Executor.Count("t[2]"));
    }

    [Fact]
    public async Task Run_MapStep_IsAHitWhenEveryItemIs_UnderAKeyOfItsItemsKeys()
    {
        _harness.Add(Plan("p", Step("t", Parameters(("n", new Reference("item"))), map: Map([1, 2]))));
        var first = RunsHarness.Completed((await _harness.RunAsync("p")).Events);
        var again = RunsHarness.Completed((await _harness.RunAsync("p")).Events);
        _harness.Add(Plan("p", Step("t", Parameters(("n", new Reference("item"))), map: Map([1, 3]))));
        var changed = RunsHarness.Completed((await _harness.RunAsync("p")).Events);

        Assert.False(first.Steps[0].CacheHit);
        Assert.StartsWith("sha256:", first.Steps[0].CacheKey);
        Assert.True(again.Steps[0].CacheHit);
        Assert.Equal(first.Id, again.Steps[0].CacheSourceRun);
        Assert.Equal(first.Steps[0].CacheKey, again.Steps[0].CacheKey);
        Assert.False(changed.Steps[0].CacheHit);
        Assert.Null(changed.Steps[0].CacheSourceRun);
        Assert.NotEqual(first.Steps[0].CacheKey, changed.Steps[0].CacheKey);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();
}
