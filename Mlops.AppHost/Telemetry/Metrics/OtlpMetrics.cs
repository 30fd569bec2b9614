using Mlops.AppHost.Telemetry.Otlp;

namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>Reads an OTLP ExportMetricsServiceRequest into samples; points a chart cannot use (no time, not a number) are left out.</summary>
public static class OtlpMetrics
{
    private const int MaxText = 256;

    public static IEnumerable<MetricSample> Read(ExportMetricsServiceRequest request)
    {
        foreach (var resource in request.ResourceMetrics)
        {
            var service = Bounded(ServiceOf(resource.Resource));
            foreach (var scope in resource.ScopeMetrics)
            {
                var scopeName = string.IsNullOrEmpty(scope.Scope?.Name) ? null : Bounded(scope.Scope.Name);
                foreach (var metric in scope.Metrics.Where(m => m.Name.Length > 0))
                {
                    foreach (var sample in Read(service, scopeName, metric))
                    {
                        yield return sample;
                    }
                }
            }
        }
    }

    private static IEnumerable<MetricSample> Read(string service, string? scope, Metric metric)
    {
        MetricSample Sample(InstrumentType type, bool cumulative, IEnumerable<KeyValue> attributes, MetricPoint point) =>
            new(new InstrumentInfo(service, Bounded(metric.Name), Bounded(metric.Unit), Bounded(metric.Description), type, cumulative, scope), Attributes(attributes), point);

        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Sum:
                var type = metric.Sum.IsMonotonic ? InstrumentType.Counter : InstrumentType.UpDownCounter;
                var cumulative = metric.Sum.AggregationTemporality != AggregationTemporality.Delta;
                foreach (var point in metric.Sum.DataPoints.Where(Usable))
                {
                    yield return Sample(type, cumulative, point.Attributes, new MetricPoint(Time(point.StartTimeUnixNano), Time(point.TimeUnixNano), ValueOf(point)));
                }

                break;
            case Metric.DataOneofCase.Gauge:
                foreach (var point in metric.Gauge.DataPoints.Where(Usable))
                {
                    yield return Sample(InstrumentType.Gauge, false, point.Attributes, new MetricPoint(Time(point.StartTimeUnixNano), Time(point.TimeUnixNano), ValueOf(point)));
                }

                break;
            case Metric.DataOneofCase.Histogram:
                var histogramCumulative = metric.Histogram.AggregationTemporality != AggregationTemporality.Delta;
                // Without buckets (or with malformed ones) there is nothing to take quantiles from.
                foreach (var point in metric.Histogram.DataPoints.Where(p => p.TimeUnixNano != 0 && WellFormed(p)))
                {
                    var buckets = new HistogramBuckets(
                        point.Count,
                        [.. point.ExplicitBounds],
                        [.. point.BucketCounts],
                        point.HasMin && double.IsFinite(point.Min) ? point.Min : null,
                        point.HasMax && double.IsFinite(point.Max) ? point.Max : null);
                    var sum = point.HasSum && double.IsFinite(point.Sum) ? point.Sum : 0;
                    yield return Sample(InstrumentType.Histogram, histogramCumulative, point.Attributes,
                        new MetricPoint(Time(point.StartTimeUnixNano), Time(point.TimeUnixNano), sum, buckets));
                }

                break;
        }
    }

    /// <summary>One more count than bounds, and bounds finite and strictly increasing, as the protocol requires.</summary>
    private static bool WellFormed(HistogramDataPoint point) =>
        point.BucketCounts.Count == point.ExplicitBounds.Count + 1 &&
        point.ExplicitBounds.All(double.IsFinite) &&
        point.ExplicitBounds.Zip(point.ExplicitBounds.Skip(1)).All(pair => pair.First < pair.Second);

    private static bool Usable(NumberDataPoint point) =>
        point.TimeUnixNano != 0 && point.ValueCase != NumberDataPoint.ValueOneofCase.None && double.IsFinite(ValueOf(point));

    private static double ValueOf(NumberDataPoint point) =>
        point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;

    /// <summary>A repeated key keeps its last value, as the trace store does.</summary>
    private static SortedDictionary<string, string> Attributes(IEnumerable<KeyValue> attributes)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            result[Bounded(attribute.Key)] = Bounded(TelemetryStore.Text(attribute.Value));
        }

        return result;
    }

    private static string ServiceOf(Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name") is { } name ? TelemetryStore.Text(name.Value) : "unknown";

    private static DateTimeOffset Time(ulong unixNanos) => DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanos / 100));

    private static string Bounded(string text) => text.Length <= MaxText ? text : text[..MaxText] + "…";
}
