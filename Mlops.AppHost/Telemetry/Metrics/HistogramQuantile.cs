namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>
/// Quantiles of a histogram from its explicit buckets, interpolated linearly inside the bucket that holds the rank,
/// as Prometheus' histogram_quantile does; the open-ended first and last buckets are closed by the observed min and
/// max when known (else 0 below a positive first bound, and the last bound above).
/// </summary>
public static class HistogramQuantile
{
    public static double? Of(HistogramBuckets histogram, double quantile)
    {
        var total = histogram.Counts.Aggregate(0UL, (sum, count) => sum + count);
        if (total == 0 || histogram.Bounds.Count + 1 != histogram.Counts.Count)
        {
            return null;
        }

        var rank = quantile * total;
        var below = 0UL;
        for (var i = 0; i < histogram.Counts.Count; i++)
        {
            var count = histogram.Counts[i];
            if (count == 0 || below + count < rank)
            {
                below += count;
                continue;
            }

            var (lower, upper) = BucketRange(histogram, i);
            var value = lower + ((upper - lower) * Math.Max(0, rank - below) / count);
            return Clamp(value, histogram.Min, histogram.Max);
        }

        return Clamp(histogram.Bounds.Count > 0 ? histogram.Bounds[^1] : histogram.Max ?? 0, histogram.Min, histogram.Max);
    }

    /// <summary>The buckets' counts over one interval: the later cumulative point less the earlier (min and max stay the later's).</summary>
    public static HistogramBuckets? Difference(HistogramBuckets later, HistogramBuckets earlier)
    {
        if (!later.Bounds.SequenceEqual(earlier.Bounds) || later.Counts.Zip(earlier.Counts).Any(c => c.First < c.Second))
        {
            return null;
        }

        return later with
        {
            Count = later.Count - Math.Min(later.Count, earlier.Count),
            Counts = [.. later.Counts.Zip(earlier.Counts, (l, e) => l - e)],
        };
    }

    private static (double Lower, double Upper) BucketRange(HistogramBuckets histogram, int index)
    {
        var bounds = histogram.Bounds;
        if (bounds.Count == 0)
        {
            return (histogram.Min ?? 0, histogram.Max ?? histogram.Min ?? 0);
        }

        if (index == 0)
        {
            var upper = bounds[0];
            return (histogram.Min is { } min && min <= upper ? min : upper > 0 ? 0 : upper, upper);
        }

        if (index == bounds.Count)
        {
            var lower = bounds[^1];
            return (lower, histogram.Max is { } max && max >= lower ? max : lower);
        }

        return (bounds[index - 1], bounds[index]);
    }

    private static double Clamp(double value, double? min, double? max) =>
        Math.Min(Math.Max(value, min ?? double.NegativeInfinity), max ?? double.PositiveInfinity);
}
