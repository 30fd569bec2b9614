namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>One series of an instrument, copied out of the store: its attribute set and its points, oldest first.</summary>
public sealed record SeriesSnapshot(IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<MetricPoint> Points);
