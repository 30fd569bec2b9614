extern alias apphost;

using apphost::Mlops.AppHost.Telemetry.Metrics;

namespace Mlops.EndToEndTests;

/// <summary>p50/p95/p99 from explicit bucket counts, interpolated inside the bucket, and over each export interval.</summary>
public sealed class HistogramQuantileTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    // Buckets (-inf,1] (1,2] (2,4] (4,+inf).
    private static HistogramBuckets Buckets(params ulong[] counts) =>
        new(counts.Aggregate(0UL, (a, b) => a + b), [1.0, 2.0, 4.0], counts);

    [Fact]
    public void Of_RankInsideABucket_InterpolatesLinearlyBetweenItsBounds()
    {
        var histogram = Buckets(0, 10, 10, 0);

        // Rank 10 of 20 is the last value of (1,2]; rank 15 is halfway through (2,4].
        Assert.Equal(2.0, HistogramQuantile.Of(histogram, 0.50));
        Assert.Equal(3.0, HistogramQuantile.Of(histogram, 0.75));
        Assert.Equal(3.8, HistogramQuantile.Of(histogram, 0.95)!.Value, precision: 9);
    }

    [Fact]
    public void Of_FirstBucket_StartsAtZeroForPositiveBounds_OrAtTheObservedMin()
    {
        Assert.Equal(0.5, HistogramQuantile.Of(Buckets(10, 0, 0, 0), 0.5));
        Assert.Equal(0.6, HistogramQuantile.Of(Buckets(10, 0, 0, 0) with { Min = 0.2 }, 0.5)!.Value, precision: 9);
    }

    [Fact]
    public void Of_RankInTheOverflowBucket_IsTheLastBound_OrInterpolatedUpToTheObservedMax()
    {
        Assert.Equal(4.0, HistogramQuantile.Of(Buckets(0, 0, 0, 10), 0.99));
        Assert.Equal(6.0, HistogramQuantile.Of(Buckets(0, 0, 0, 10) with { Max = 8 }, 0.5));
    }

    [Fact]
    public void Of_NoValuesOrMismatchedBuckets_HasNoQuantile()
    {
        Assert.Null(HistogramQuantile.Of(Buckets(0, 0, 0, 0), 0.5));
        Assert.Null(HistogramQuantile.Of(new HistogramBuckets(3, [1.0, 2.0], [3]), 0.5));
    }

    [Fact]
    public void Of_NeverLeavesTheObservedRange()
    {
        var histogram = Buckets(0, 0, 1, 0) with { Min = 3.5, Max = 3.5 };

        Assert.Equal(3.5, HistogramQuantile.Of(histogram, 0.5));
        Assert.Equal(3.5, HistogramQuantile.Of(histogram, 0.99));
    }

    [Fact]
    public void Series_CumulativePoints_TakeQuantilesOfEachIntervalsOwnValues()
    {
        MetricPoint Point(double seconds, HistogramBuckets buckets) => new(T0, T0.AddSeconds(seconds), 0, buckets);
        var points = new[]
        {
            Point(2, Buckets(10, 0, 0, 0)),
            Point(4, Buckets(10, 0, 0, 0)),   // nothing new: no quantiles for this interval
            Point(6, Buckets(10, 0, 20, 0)),  // 20 new values, all in (2,4]
        };

        var series = HistogramSeries.Of(points, cumulative: true);

        Assert.Equal([T0.AddSeconds(2), T0.AddSeconds(6)], series.Select(p => p.Time));
        Assert.Equal(0.5, series[0].P50);
        Assert.Equal(3.0, series[1].P50);
        Assert.Equal(20UL, series[1].Count);
        Assert.True(series[1].P50 <= series[1].P95 && series[1].P95 <= series[1].P99);
    }

    [Fact]
    public void Series_CumulativeThatRestarted_StartsOverFromTheNewPoint()
    {
        var points = new[]
        {
            new MetricPoint(T0, T0.AddSeconds(2), 0, Buckets(0, 0, 0, 50)),
            new MetricPoint(T0.AddSeconds(3), T0.AddSeconds(4), 0, Buckets(10, 0, 0, 0)),
        };

        var series = HistogramSeries.Of(points, cumulative: true);

        Assert.Equal(0.5, series[1].P50);
        Assert.Equal(10UL, series[1].Count);
    }

    [Fact]
    public void Series_Deltas_AreTakenAsTheyAre()
    {
        var points = new[]
        {
            new MetricPoint(T0, T0.AddSeconds(2), 0, Buckets(0, 4, 0, 0)),
            new MetricPoint(T0.AddSeconds(2), T0.AddSeconds(4), 0, Buckets(0, 4, 0, 0)),
        };

        var series = HistogramSeries.Of(points, cumulative: false);

        Assert.Equal([1.5, 1.5], series.Select(p => p.P50));
    }
}
