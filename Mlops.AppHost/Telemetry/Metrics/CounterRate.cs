namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>A counter's rate per second between its exported points, from cumulative or delta sums.</summary>
public static class CounterRate
{
    public static IReadOnlyList<ValuePoint> Of(IReadOnlyList<MetricPoint> points, bool cumulative)
    {
        var rates = new List<ValuePoint>(points.Count);
        MetricPoint? previous = null;
        foreach (var point in points)
        {
            if (RateOf(previous, point, cumulative) is { } rate)
            {
                rates.Add(new ValuePoint(point.Time, rate));
            }

            previous = point;
        }

        return rates;
    }

    private static double? RateOf(MetricPoint? previous, MetricPoint point, bool cumulative)
    {
        if (cumulative && previous is not null && !IsReset(previous, point))
        {
            return PerSecond(point.Value - previous.Value, point.Time - previous.Time);
        }

        // A delta is its interval's count; so is the first cumulative point, or the first after a reset, counted from its start.
        if (HasStart(point))
        {
            return PerSecond(point.Value, point.Time - point.Start);
        }

        return !cumulative && previous is not null ? PerSecond(point.Value, point.Time - previous.Time) : null;
    }

    /// <summary>A cumulative count that restarted: a new start time, or a value that went down (a restarted process).</summary>
    public static bool IsReset(MetricPoint previous, MetricPoint point) =>
        (HasStart(point) && HasStart(previous) && point.Start != previous.Start) || point.Value < previous.Value;

    private static bool HasStart(MetricPoint point) => point.Start > DateTimeOffset.UnixEpoch && point.Start < point.Time;

    private static double? PerSecond(double change, TimeSpan interval) =>
        interval > TimeSpan.Zero ? change / interval.TotalSeconds : null;
}
