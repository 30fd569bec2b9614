extern alias apphost;

using apphost::Mlops.AppHost.Telemetry.Metrics;

namespace Mlops.EndToEndTests;

/// <summary>Counters charted as rates per second, from what OTLP exporters send: running totals or per-interval deltas.</summary>
public sealed class CounterRateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static MetricPoint At(double startSeconds, double seconds, double value) =>
        new(T0.AddSeconds(startSeconds), T0.AddSeconds(seconds), value);

    /// <summary>A point whose exporter left start_time_unix_nano at 0.</summary>
    private static MetricPoint NoStart(double seconds, double value) => new(DateTimeOffset.UnixEpoch, T0.AddSeconds(seconds), value);

    [Fact]
    public void Of_CumulativeTotals_GivesTheChangePerSecondBetweenPoints()
    {
        var rates = CounterRate.Of([At(0, 10, 20), At(0, 12, 30), At(0, 14, 30), At(0, 19, 40)], cumulative: true);

        // The first point counts from its start time: 20 in 10 s.
        Assert.Equal([2.0, 5.0, 0.0, 2.0], rates.Select(r => r.Value));
        Assert.Equal(T0.AddSeconds(19), rates[^1].Time);
    }

    [Fact]
    public void Of_CumulativeThatDropsToALowerValue_TreatsItAsARestartNotANegativeRate()
    {
        // The process restarted between the 2nd and 3rd point but its exporter kept the same start time.
        var rates = CounterRate.Of([At(0, 10, 100), At(0, 20, 150), At(0, 30, 10)], cumulative: true);

        Assert.Equal([10.0, 5.0, 10.0 / 30], rates.Select(r => r.Value));
        Assert.All(rates, r => Assert.True(r.Value >= 0));
    }

    [Fact]
    public void Of_CumulativeWithANewStartTime_CountsTheNewRunFromItsOwnStart()
    {
        var rates = CounterRate.Of([At(0, 10, 100), At(25, 30, 50)], cumulative: true);

        // 50 counted since the new start 5 s earlier, even though 50 < 100 would also say "reset".
        Assert.Equal([10.0, 10.0], rates.Select(r => r.Value));
    }

    [Fact]
    public void Of_CumulativeWithoutStartTime_StartsAtTheSecondPoint()
    {
        var rates = CounterRate.Of([NoStart(10, 5), NoStart(15, 20)], cumulative: true);

        var rate = Assert.Single(rates);
        Assert.Equal(3.0, rate.Value);
    }

    [Fact]
    public void Of_Deltas_DividesEachIntervalsCountByItsLength()
    {
        var rates = CounterRate.Of([At(0, 2, 8), At(2, 4, 0), At(4, 8, 2)], cumulative: false);

        Assert.Equal([4.0, 0.0, 0.5], rates.Select(r => r.Value));
    }

    [Fact]
    public void Of_DeltasWithoutStartTime_UseTheTimeSinceThePreviousPoint()
    {
        var rates = CounterRate.Of([NoStart(2, 8), NoStart(6, 8)], cumulative: false);

        var rate = Assert.Single(rates);
        Assert.Equal(2.0, rate.Value);
    }

    [Fact]
    public void Of_TwoPointsAtTheSameTime_YieldsNoInfiniteRate()
    {
        var rates = CounterRate.Of([At(0, 10, 10), At(0, 10, 12)], cumulative: true);

        Assert.All(rates, r => Assert.True(double.IsFinite(r.Value)));
        Assert.Single(rates);
    }
}
