using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Tests.Fakes;

namespace Mlops.Runner.Tests.Containers;

public sealed class ContainerJanitorTests
{
    private readonly FakeContainerEngine _engine = new();
    private readonly LiveContainers _live = new();
    private readonly FirstSweep _firstSweep = new();

    private ContainerJanitor Janitor() => new(
        _engine, _live, Options.Create(new ContainerOptions()), Options.Create(new RunnerOptions()), TimeProvider.System, NullLogger<ContainerJanitor>.Instance, _firstSweep);

    [Fact]
    public async Task Sweep_RemovesWhatNoLiveInvocationOwns_AndKeepsTheRest()
    {
        var stray = _engine.Leave("crashed-invocation");
        var inUse = _engine.Leave("running-invocation");
        _live.Add("running-invocation");

        var removed = await Janitor().SweepAsync(CancellationToken.None);

        Assert.Equal(1, removed);
        Assert.Equal([inUse], _engine.Existing);
        Assert.DoesNotContain(stray, _engine.Existing);
    }

    [Fact]
    public async Task Sweep_AfterATeardownTheEngineRefused_RemovesTheContainer()
    {
        _engine.RemoveFailures = 2;
        var runtime = new FunctionRuntime(
            _engine, _live, Options.Create(new ContainerOptions { TeardownAttempts = 2, TeardownBackoffMilliseconds = 1 }), TimeProvider.System, NullLogger<FunctionContainer>.Instance);
        var container = await runtime.CreateAsync(new ContainerSpec("work", "inv1", "image", [], 64, 1, new Dictionary<string, string>()), CancellationToken.None);
        await container.DisposeAsync();
        Assert.Single(_engine.Existing);

        await Janitor().SweepAsync(CancellationToken.None);

        Assert.Empty(_engine.Existing);
    }

    [Fact]
    public async Task Sweep_OneRemovalRefused_StillRemovesTheOthers()
    {
        _engine.Leave("a");
        _engine.Leave("b");
        _engine.RemoveFailures = 1;

        var removed = await Janitor().SweepAsync(CancellationToken.None);

        Assert.Equal(1, removed);
        Assert.Single(_engine.Existing);
    }
}
