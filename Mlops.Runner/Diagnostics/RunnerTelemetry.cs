using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mlops.Runner.Diagnostics;

/// <summary>The runner's span, metric and attribute names (OpenTelemetry semantic conventions where they exist).</summary>
public static class RunnerTelemetry
{
    public const string Name = "Mlops.Runner";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Invocations =
        Meter.CreateCounter<long>("mlops.invocations", "{invocation}", "Invocations by function and outcome");
    // Buckets in seconds: the SDK's default ones (0, 5, 10, 25, ... 10000) are made for milliseconds and put
    // every warm invocation into one bucket, so no percentile could tell them apart.
    public static readonly Histogram<double> InvocationDuration =
        Meter.CreateHistogram("mlops.invocation.duration", "s", "Wall time of an invocation, queue to teardown",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 20, 30, 60, 120, 300, 600] });
    public static readonly Histogram<double> BuildDuration =
        Meter.CreateHistogram("mlops.build.duration", "s", "Wall time of an image build",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200] });
    public static readonly UpDownCounter<long> ActiveContainers =
        Meter.CreateUpDownCounter<long>("mlops.containers.active", "{container}", "Function containers that exist right now");
    public static readonly UpDownCounter<long> QueuedInvocations =
        Meter.CreateUpDownCounter<long>("mlops.invocations.queued", "{invocation}", "Invocations waiting for a container slot");
    public static readonly Counter<long> PipelineRuns =
        Meter.CreateCounter<long>("mlops.pipeline.runs", "{run}", "Pipeline runs ended, by pipeline and outcome");
    public static readonly Histogram<double> PipelineStepDuration =
        Meter.CreateHistogram("mlops.pipeline.step.duration", "s", "Wall time of a pipeline step (or map item) that ran, first attempt to end",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800] });
    public static readonly Counter<long> PipelineCacheLookups =
        Meter.CreateCounter<long>("mlops.pipeline.cache.lookups", "{lookup}", "Step cache lookups, by pipeline and whether they hit");

    public const string FaasName = "faas.name";
    public const string FaasInvocationId = "faas.invocation_id";
    public const string FaasColdstart = "faas.coldstart";
    public const string ContainerId = "container.id";
    /// <summary>The swarm node a function task ran on (not set on a single engine).</summary>
    public const string Node = "mlops.node";
    public const string ContainerImageName = "container.image.name";
    public const string ErrorType = "error.type";
    public const string Outcome = "mlops.outcome";
    public const string ModelName = "mlops.model_name";
    public const string ModelVersion = "mlops.model_version";
    public const string ModelUri = "mlops.model_uri";
    public const string RegistryBackend = "mlops.registry";
    public const string RunId = "mlops.run_id";
    public const string CacheHit = "mlops.cache_hit";
    public const string PoolMissReason = "mlops.pool.miss_reason";
    public const string PoolWaitedMs = "mlops.pool.waited_ms";
    public const string EndpointName = "mlops.endpoint";
    public const string ReplicaId = "mlops.replica_id";
    public const string Pipeline = "mlops.pipeline";
    public const string PipelineRun = "mlops.pipeline.run";
    public const string PipelineStep = "mlops.step";
    public const string StepCacheKey = "mlops.step.cache_key";
    public const string StepCacheHit = "mlops.step.cache_hit";
    public const string StepAttempts = "mlops.step.attempts";

    /// <summary>Marks the span failed with a low-cardinality error type and records the exception.</summary>
    public static void RecordError(this Activity? activity, string errorType, Exception? exception = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception?.Message);
        activity.SetTag(ErrorType, errorType);
        if (exception is not null)
        {
            activity.AddException(exception);
        }
    }
}
