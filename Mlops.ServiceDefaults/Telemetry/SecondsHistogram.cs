using System.Diagnostics.Metrics;

namespace Mlops.ServiceDefaults.Telemetry;

public static class SecondsHistogram
{
    /// <summary>
    /// A histogram of durations in seconds, as OpenTelemetry's http.server.request.duration has them, with buckets
    /// that fit what it measures: the SDK's defaults (0, 5, 10, 25, ... 10000) are made for milliseconds and put
    /// every fast call into one bucket, so that no percentile could tell them apart.
    /// </summary>
    public static Histogram<double> CreateSecondsHistogram(this Meter meter, string name, string description, IReadOnlyList<double> buckets) =>
        meter.CreateHistogram(name, "s", description, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
}
