namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>One series as the Metrics page plots it: its attributes and either values or quantiles.</summary>
public sealed record ChartSeries(IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<ValuePoint>? Values, IReadOnlyList<QuantilePoint>? Quantiles);

/// <summary>An instrument ready to chart: counters as rates per second, gauges and up-down counters as values, histograms as quantiles.</summary>
public sealed record MetricChart(InstrumentInfo Instrument, string Shows, string Unit, IReadOnlyList<ChartSeries> Series)
{
    /// <param name="since">Where the chart starts. Rates and intervals are worked out on every point kept, then cut, so the first one shown is still over its own interval.</param>
    public static MetricChart Of(InstrumentInfo instrument, IReadOnlyList<SeriesSnapshot> series, DateTimeOffset since)
    {
        var charted = instrument.Type switch
        {
            InstrumentType.Counter => series.Select(s => new ChartSeries(s.Attributes, Recent(CounterRate.Of(s.Points, instrument.Cumulative), since), null)),
            InstrumentType.Histogram => series.Select(s => new ChartSeries(s.Attributes, null, [.. HistogramSeries.Of(s.Points, instrument.Cumulative).Where(p => p.Time >= since)])),
            _ => series.Select(s => new ChartSeries(s.Attributes, Recent(s.Points.Select(p => new ValuePoint(p.Time, p.Value)), since), null)),
        };
        var (shows, unit) = instrument.Type switch
        {
            InstrumentType.Counter => ("rate per second", instrument.Unit.Length > 0 ? $"{instrument.Unit}/s" : "/s"),
            InstrumentType.Histogram => ("p50, p95, p99", instrument.Unit),
            _ => ("value", instrument.Unit),
        };
        return new MetricChart(instrument, shows, unit, [.. charted.Where(s => (s.Values?.Count ?? s.Quantiles?.Count ?? 0) > 0)]);
    }

    private static List<ValuePoint> Recent(IEnumerable<ValuePoint> points, DateTimeOffset since) => [.. points.Where(p => p.Time >= since)];
}
