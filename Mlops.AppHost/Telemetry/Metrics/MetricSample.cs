namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>One data point with everything that says where it belongs: service, instrument and attribute set (the series).</summary>
public sealed record MetricSample(
    string Service,
    string Name,
    string Unit,
    string Description,
    InstrumentType Type,
    bool Cumulative,
    string? Scope,
    IReadOnlyDictionary<string, string> Attributes,
    MetricPoint Point);
