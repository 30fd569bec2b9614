namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>One data point with everything that says where it belongs: the instrument, and its attribute set (the series).</summary>
public sealed record MetricSample(InstrumentInfo Instrument, IReadOnlyDictionary<string, string> Attributes, MetricPoint Point);
