namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>A value to plot at a time: a rate, a gauge's or up-down counter's value.</summary>
public sealed record ValuePoint(DateTimeOffset Time, double Value);

/// <summary>A histogram's quantiles over the interval that ends at <see cref="Time"/>, and how many values it held.</summary>
public sealed record QuantilePoint(DateTimeOffset Time, double P50, double P95, double P99, ulong Count);
