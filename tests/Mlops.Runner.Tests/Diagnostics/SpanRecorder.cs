using System.Collections.Concurrent;
using System.Diagnostics;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Tests.Diagnostics;

/// <summary>Every runner span that ends while it listens (other tests' too: look spans up by name and id).</summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RunnerTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentBag<Activity> Spans { get; } = [];

    public void Dispose() => _listener.Dispose();
}
