using Mlops.Runner.Containers;
using Mlops.Runner.Invocations;

namespace Mlops.Runner.Tests.Invocations;

public sealed class InvocationFeedTests
{
    [Fact]
    public async Task Read_ByALateWatcher_GetsEverythingFromTheStart_ThenWhatComes_UntilTheEnd()
    {
        var feed = new InvocationFeed();
        feed.Add(new InvocationAccepted("id", "echo", DateTimeOffset.UtcNow));
        feed.Add(Line("first"));
        var read = ReadAllAsync(feed);

        feed.Add(Line("second"));
        feed.End();

        Assert.Equal(["Accepted", "Log", "Log"], (await read.WaitAsync(TimeSpan.FromSeconds(10))).Select(e => e.GetType().Name.Replace("Invocation", "")));
    }

    [Fact]
    public async Task Add_PastTheBound_KeepsNoMoreLogLines_ButStillTheEnd()
    {
        var feed = new InvocationFeed();
        for (var i = 0; i < InvocationFeed.MaxEvents + 5; i++)
        {
            feed.Add(Line($"line {i}"));
        }

        feed.Add(new InvocationResult([], [], []));
        feed.End();

        var events = await ReadAllAsync(feed).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(InvocationFeed.MaxEvents + 1, events.Count);
        Assert.IsType<InvocationResult>(events[^1]);
    }

    [Theory]
    [InlineData("2026-12-04T10:00:00.123Z stdout | hello | world", "Log", "hello | world")]
    [InlineData("2026-12-04T10:00:00.123Z build | Step 1/2", "BuildLog", "Step 1/2")]
    [InlineData("2026-12-04T10:00:00.123Z runner | container c1 started", "ContainerStarted", null)]
    [InlineData("2026-12-04T10:00:00.123Z runner | image mlops/echo:abc (cached)", "ImageResolved", null)]
    [InlineData("2026-12-04T10:00:00.123Z runner | queued at position 2", null, null)]
    [InlineData("not a log line", null, null)]
    public void Parse_ALogFileLine_GivesBackTheEventItWas(string line, string? kind, string? text)
    {
        var parsed = InvocationLogFile.Parse(line);

        Assert.Equal(kind, parsed?.GetType().Name.Replace("Invocation", ""));
        Assert.Equal(text, parsed switch { InvocationLog log => log.Line, InvocationBuildLog build => build.Line, _ => null });
    }

    private static InvocationLog Line(string text) => new(OutputStream.Stdout, text, DateTimeOffset.UtcNow);

    private static async Task<List<InvocationEvent>> ReadAllAsync(InvocationFeed feed)
    {
        var events = new List<InvocationEvent>();
        await foreach (var item in feed.ReadAsync(CancellationToken.None))
        {
            events.Add(item);
        }

        return events;
    }
}
