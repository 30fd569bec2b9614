namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>A histogram's p50/p95/p99 over each export interval: cumulative points are differenced, delta points taken as they are.</summary>
public static class HistogramSeries
{
    public static IReadOnlyList<QuantilePoint> Of(IReadOnlyList<MetricPoint> points, bool cumulative)
    {
        var result = new List<QuantilePoint>(points.Count);
        MetricPoint? previous = null;
        foreach (var point in points)
        {
            if (point.Histogram is { } histogram && IntervalOf(previous, point, histogram, cumulative) is { } interval &&
                HistogramQuantile.Of(interval, 0.50) is { } p50 &&
                HistogramQuantile.Of(interval, 0.95) is { } p95 &&
                HistogramQuantile.Of(interval, 0.99) is { } p99)
            {
                result.Add(new QuantilePoint(point.Time, p50, p95, p99, interval.Counts.Aggregate(0UL, (sum, count) => sum + count)));
            }

            previous = point;
        }

        return result;
    }

    /// <summary>
    /// What was recorded in the interval ending at this point. An interval with nothing recorded has no quantiles
    /// (its point is left out, not drawn as zero); a reset starts over from the point itself.
    /// </summary>
    private static HistogramBuckets? IntervalOf(MetricPoint? previous, MetricPoint point, HistogramBuckets histogram, bool cumulative)
    {
        if (!cumulative || previous?.Histogram is not { } earlier || (previous.Start != point.Start && point.Start > DateTimeOffset.UnixEpoch))
        {
            return histogram;
        }

        return HistogramQuantile.Difference(histogram, earlier) ?? histogram;
    }
}
