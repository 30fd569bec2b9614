using Mlops.AppHost.Hosting;

namespace Mlops.AppHost.Tests;

/// <summary>The AppHost's wait before restarting a resource that died (pure logic, no processes).</summary>
public sealed class RestartBackoffTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Next_FailuresInARow_DoubleFromTheFirstDelayUpToTheMost()
    {
        var backoff = RestartBackoff.Default();

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next(TimeSpan.Zero).TotalSeconds).ToList();

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
    }

    [Fact]
    public void Next_AfterARunThatStayedUpLongEnough_StartsAgainFromTheFirstDelay()
    {
        var backoff = RestartBackoff.Default();
        for (var i = 0; i < 6; i++)
        {
            backoff.Next(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(Second, backoff.Next(TimeSpan.FromSeconds(60)));
        Assert.Equal(2 * Second, backoff.Next(TimeSpan.FromSeconds(59)));
    }

    [Fact]
    public void Next_ARunShorterThanStable_KeepsDoubling()
    {
        var backoff = RestartBackoff.Default();
        backoff.Next(TimeSpan.Zero);

        Assert.Equal(2 * Second, backoff.Next(TimeSpan.FromSeconds(59)));
    }

    [Fact]
    public void Next_ManyFailures_NeverOverflowsPastTheMost()
    {
        var backoff = new RestartBackoff(TimeSpan.FromDays(1), TimeSpan.FromDays(2), TimeSpan.FromMinutes(1));

        var delays = Enumerable.Range(0, 200).Select(_ => backoff.Next(TimeSpan.Zero)).ToList();

        Assert.All(delays.Skip(1), delay => Assert.Equal(TimeSpan.FromDays(2), delay));
    }
}
