using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mlops.ServiceDefaults.Telemetry;

namespace Mlops.Gateway.Serving;

/// <summary>The data plane's spans and metrics; prediction spans are sampled with their requests (Telemetry:SampleRatio of the paths in Telemetry:SampledPaths).</summary>
public static class ServingTelemetry
{
    public const string Name = "Mlops.Gateway.Serving";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Predictions =
        Meter.CreateCounter<long>("mlops.predictions", "{prediction}", "Predictions by endpoint, model version and outcome");
    public static readonly Histogram<double> PredictionDuration = Meter.CreateSecondsHistogram("mlops.prediction.duration",
        "Wall time of a prediction in the gateway, replica included", [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10]);

    public const string Endpoint = "mlops.endpoint";
    public const string ModelName = "mlops.model_name";
    public const string ModelVersion = "mlops.model_version";
    public const string ReplicaId = "mlops.replica_id";
    public const string Outcome = "mlops.outcome";
    public const string Protocol = "mlops.protocol";
}
