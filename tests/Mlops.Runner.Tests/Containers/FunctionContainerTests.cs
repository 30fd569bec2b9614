using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Tests.Fakes;

namespace Mlops.Runner.Tests.Containers;

public sealed class FunctionContainerTests
{
    private static readonly ContainerSpec Spec = new("work", "inv1", "mlops.test/work:1", [], 64, 1, new Dictionary<string, string>());

    private readonly FakeContainerEngine _engine = new();
    private readonly LiveContainers _live = new();

    private FunctionRuntime Runtime() =>
        new(_engine, _live, Options.Create(new ContainerOptions { TeardownBackoffMilliseconds = 1, TeardownAttempts = 4 }), TimeProvider.System, NullLogger<FunctionContainer>.Instance);

    [Fact]
    public async Task Deadline_KillRefusedTwice_RetriesWithBackoffUntilKilled_ThenRemovesOnce()
    {
        _engine.RunsUntilKilled = true;
        _engine.KillFailures = 2;
        var container = await Runtime().CreateAsync(Spec, CancellationToken.None);

        await container.StartAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        var exit = await container.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await container.DisposeAsync();

        Assert.Equal(new ContainerExit(ExitReason.TimedOut, null), exit);
        Assert.Equal((3, 1), (_engine.KillAttempts, _engine.Kills));
        Assert.Equal(1, _engine.Removals);
        Assert.True(container.Removed);
        Assert.Empty(_engine.Existing);
    }

    [Fact]
    public async Task Dispose_Twice_TearsDownOnce()
    {
        var container = await Runtime().CreateAsync(Spec, CancellationToken.None);
        await container.StartAsync(null, CancellationToken.None);

        await container.DisposeAsync();
        await container.DisposeAsync();

        Assert.Equal((1, 1), (_engine.RemoveAttempts, _engine.Removals));
        Assert.Equal(0, _live.Count);
    }

    [Fact]
    public async Task Dispose_RemovalRefusedEveryTime_GivesUpQuietly_AndReleasesTheOwnerForTheJanitor()
    {
        _engine.RemoveFailures = int.MaxValue;
        var container = await Runtime().CreateAsync(Spec, CancellationToken.None);

        await container.DisposeAsync();

        Assert.False(container.Removed);
        Assert.Equal(4, _engine.RemoveAttempts);
        Assert.Equal(0, _live.Count);
    }

    [Fact]
    public async Task Dispose_WhileRunning_KillsThenRemoves_AndTheWaitSaysCancelled()
    {
        _engine.RunsUntilKilled = true;
        var container = await Runtime().CreateAsync(Spec, CancellationToken.None);
        await container.StartAsync(TimeSpan.FromMinutes(5), CancellationToken.None);

        await container.DisposeAsync();

        Assert.Equal(new ContainerExit(ExitReason.Cancelled, null), await container.WaitAsync(CancellationToken.None));
        Assert.Equal((1, 1), (_engine.Kills, _engine.Removals));
    }

    [Fact]
    public async Task ReadLogs_ChunksOfBothStreams_BecomeLinesPerStream_WithTheUnfinishedLastLineFlushed()
    {
        _engine.Output.Add((OutputStream.Stdout, "first\nsec"));
        _engine.Output.Add((OutputStream.Stderr, "oops\r\n"));
        _engine.Output.Add((OutputStream.Stdout, "ond\nlast"));
        await using var container = await Runtime().CreateAsync(Spec, CancellationToken.None);
        await container.StartAsync(null, CancellationToken.None);

        var lines = new List<(OutputStream, string)>();
        await foreach (var line in container.ReadLogsAsync(CancellationToken.None))
        {
            lines.Add((line.Stream, line.Line));
        }

        Assert.Equal([(OutputStream.Stdout, "first"), (OutputStream.Stderr, "oops"), (OutputStream.Stdout, "second"), (OutputStream.Stdout, "last")], lines);
    }

    [Fact]
    public async Task Create_EngineRefuses_RemovesByNameAndReleasesTheOwner()
    {
        _engine.CreateFailure = new RunnerException(ErrorKind.Unavailable, "the Docker engine at fake://engine is not reachable");

        await Assert.ThrowsAsync<RunnerException>(() => Runtime().CreateAsync(Spec, CancellationToken.None));

        Assert.Equal(1, _engine.RemoveAttempts);
        Assert.Equal(0, _live.Count);
    }

    [Fact]
    public async Task Wait_BeforeStart_IsAProgrammingError()
    {
        await using var container = await Runtime().CreateAsync(Spec, CancellationToken.None);

        Assert.Throws<InvalidOperationException>(() => { _ = container.WaitAsync(CancellationToken.None); });
    }
}
