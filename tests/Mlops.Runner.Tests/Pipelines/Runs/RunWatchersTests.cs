using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Runs;

public sealed class RunWatchersTests
{
    private static readonly PipelineRunRecord Run = new("0123456789abcdef0123456789abcdef", "p", "sha256:0", PipelineRunStatus.Running,
        new JsonObject(), false, [], DateTimeOffset.UnixEpoch, null, null, null, null, 0);

    [Fact]
    public async Task Publish_WatcherFallsTooFarBehind_IsDroppedWithResourceExhausted()
    {
        var watchers = new RunWatchers();
        var slow = watchers.Subscribe();

        var dropped = Enumerable.Range(0, RunWatchers.Capacity + 1).Sum(_ => watchers.Publish(Run));

        Assert.Equal(1, dropped);
        var error = await Assert.ThrowsAsync<RunnerException>(async () =>
        {
            await foreach (var _ in slow.Reader.ReadAllAsync(CancellationToken.None))
            {
            }
        });
        Assert.Equal(ErrorKind.ResourceExhausted, error.Kind);
        Assert.Equal(0, watchers.Publish(Run));
    }
}
