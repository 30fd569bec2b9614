namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>
/// One exported data point as OTLP sent it: a sum's or gauge's value, or a histogram's buckets. For a cumulative
/// series <see cref="Start"/> is when the count began; for a delta one, when its interval began.
/// </summary>
public sealed record MetricPoint(DateTimeOffset Start, DateTimeOffset Time, double Value, HistogramBuckets? Histogram = null);

/// <summary>
/// Explicit-bucket counts: <c>Counts[i]</c> holds values in (Bounds[i-1], Bounds[i]], the last one those above
/// the last bound. Min and max are the observed extremes, when the sender measured them.
/// </summary>
public sealed record HistogramBuckets(ulong Count, IReadOnlyList<double> Bounds, IReadOnlyList<ulong> Counts, double? Min = null, double? Max = null);
