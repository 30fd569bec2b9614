using System.Text.Json.Serialization;

namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>What kind of instrument a metric came from, as OTLP's data shape tells it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InstrumentType>))]
public enum InstrumentType
{
    /// <summary>A monotonic sum: charted as a rate per second.</summary>
    Counter,

    /// <summary>A sum that goes up and down (in-flight work, queue length): charted as its value.</summary>
    UpDownCounter,

    /// <summary>A sampled value: charted as is.</summary>
    Gauge,

    /// <summary>Explicit-bucket counts: charted as p50/p95/p99.</summary>
    Histogram,
}

/// <summary>One instrument of one service as its exporter describes it.</summary>
public sealed record InstrumentInfo(string Service, string Name, string Unit, string Description, InstrumentType Type, bool Cumulative, string? Scope);
