using System.Diagnostics;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Invocations;
using Mlops.Runner.Tests.Diagnostics;

namespace Mlops.Runner.Tests.Invocations;

/// <summary>
/// One trace per invocation, whatever context its caller resumes the event stream under: an async
/// iterator does not keep Activity.Current across its yields, so this is easy to break.
/// </summary>
public sealed class InvocationTraceTests : IAsyncLifetime
{
    private readonly SpanRecorder _recorder = new();
    private readonly ConductorHarness _harness = new();

    [Fact]
    public async Task Invoke_EverySpan_HangsUnderTheInvocationSpan()
    {
        _harness.Images.BuildLines.Add("Step 1/1");
        using var caller = new Activity("caller").Start();

        var (events, _) = await _harness.InvokeAsync("work");

        var id = Assert.IsType<InvocationAccepted>(events[0]).InvocationId;
        var invoke = Assert.Single(_recorder.Spans, s => s.DisplayName == "invoke work" && (string?)s.GetTagItem(RunnerTelemetry.FaasInvocationId) == id);
        var children = _recorder.Spans.Where(s => s.ParentSpanId == invoke.SpanId).Select(s => s.DisplayName).Order().ToArray();
        Assert.Equal(["container create", "container remove", "container start", "container wait", "resolve image"], children);
        Assert.Equal(caller.SpanId, invoke.ParentSpanId);
        Assert.Equal($"00-{invoke.TraceId}-{invoke.SpanId}-01", _harness.Engine.LastSpec!.Environment["TRACEPARENT"]);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _recorder.Dispose();
        await _harness.DisposeAsync();
    }
}
