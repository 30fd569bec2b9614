using Mlops.Runner.Containers;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Runs;

public sealed class RunFeedTests
{
    [Fact]
    public async Task Add_ManyLongLogLines_KeepsABoundedNumberOfCutLinesAndEveryOtherEvent()
    {
        var feed = new RunFeed();
        var now = DateTimeOffset.UnixEpoch;
        for (var i = 0; i < RunFeed.MaxLogEvents + 10; i++)
        {
            feed.Add(new StepLog("r", now, OutputStream.Stdout, new string('x', RunFeed.MaxLineLength * 2)) { Step = "a" });
        }

        feed.Add(new StepQueued("r", now) { Step = "b" });
        feed.End();

        var events = new List<PipelineEvent>();
        await foreach (var item in feed.ReadAsync(CancellationToken.None))
        {
            events.Add(item);
        }

        Assert.Equal(RunFeed.MaxLogEvents, events.OfType<StepLog>().Count());
        Assert.All(events.OfType<StepLog>(), log => Assert.Equal(RunFeed.MaxLineLength, log.Line.Length));
        Assert.IsType<StepQueued>(events[^1]);
    }
}
