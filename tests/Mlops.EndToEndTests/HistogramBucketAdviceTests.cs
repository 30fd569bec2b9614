extern alias gateway;
extern alias runner;

using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Mlops.EndToEndTests;

/// <summary>
/// The services' duration histograms are exported with buckets in seconds: with the SDK's default bounds (made for
/// milliseconds) every warm invocation lands in (0, 5] and the dashboard's percentiles could not tell them apart.
/// </summary>
public sealed class HistogramBucketAdviceTests
{
    [Fact]
    public void InvocationDuration_IsExportedWithSubSecondBuckets()
    {
        var bounds = ExportedBounds(runner::Mlops.Runner.Diagnostics.RunnerTelemetry.Name, "mlops.invocation.duration",
            () => runner::Mlops.Runner.Diagnostics.RunnerTelemetry.InvocationDuration.Record(0.4));

        Assert.Contains(0.5, bounds);
        Assert.Contains(600, bounds);
    }

    [Fact]
    public void PredictionDuration_IsExportedWithMillisecondBuckets()
    {
        var bounds = ExportedBounds(gateway::Mlops.Gateway.Serving.ServingTelemetry.Name, "mlops.prediction.duration",
            () => gateway::Mlops.Gateway.Serving.ServingTelemetry.PredictionDuration.Record(0.004));

        Assert.Contains(0.005, bounds);
        Assert.True(bounds.Max() <= 10);
    }

    private static List<double> ExportedBounds(string meter, string instrument, Action record)
    {
        var bounds = new List<double>();
        using (var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meter)
            .AddReader(new BaseExportingMetricReader(new Capture(instrument, bounds)))
            .Build())
        {
            record();
            provider.ForceFlush();
        }

        return bounds.Where(double.IsFinite).Distinct().ToList();
    }

    /// <summary>Reads the bounds during the export: a metric's points are only valid until it returns.</summary>
    private sealed class Capture(string instrument, List<double> bounds) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                if (metric.Name != instrument)
                {
                    continue;
                }

                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        bounds.Add(bucket.ExplicitBound);
                    }
                }
            }

            return ExportResult.Success;
        }
    }
}
