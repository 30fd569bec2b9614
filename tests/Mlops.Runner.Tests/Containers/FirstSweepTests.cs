using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Tests.Fakes;

namespace Mlops.Runner.Tests.Containers;

public sealed class FirstSweepTests
{
    [Fact]
    public async Task Sweep_ThatCouldNotRemoveAContainer_DoesNotCountAsTheFirstSweep()
    {
        var engine = new FakeContainerEngine { RemoveFailures = 1 };
        engine.Leave("crashed-invocation");
        var swept = new FirstSweep();
        var janitor = new ContainerJanitor(engine, new LiveContainers(), Options.Create(new ContainerOptions()), Options.Create(new RunnerOptions()),
            TimeProvider.System, NullLogger<ContainerJanitor>.Instance, swept);

        await janitor.SweepAsync(CancellationToken.None);
        var afterAFailure = swept.Done.IsCompleted;
        await janitor.SweepAsync(CancellationToken.None);

        Assert.False(afterAFailure);
        Assert.True(swept.Done.IsCompleted);
        Assert.Empty(engine.Existing);
    }
}
