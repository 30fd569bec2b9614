using Grpc.Core;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

/// <summary>Runs its own runner: one container at a time, one waiting.</summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private RunnerHost _host = null!;

    public async Task InitializeAsync() => _host = await RunnerHost.StartAsync(new Dictionary<string, string?>
    {
        ["Runner:MaxConcurrentInvocations"] = "1",
        ["Runner:MaxQueueLength"] = "1",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Invoke_BeyondTheQueue_IsResourceExhausted_WhileTheWaitingOneIsToldItsPosition()
    {
        using var cancel = new CancellationTokenSource(InvokeCall.DefaultBound);
        using var running = _host.Client.Invoke(new InvokeRequest { Function = "sleep-long" }, cancellationToken: cancel.Token);
        await ReadUntilAsync(running, e => e.EventCase == InvokeEvent.EventOneofCase.ContainerStarted, cancel.Token);

        using var waiting = _host.Client.Invoke(new InvokeRequest { Function = "sleep-long" }, cancellationToken: cancel.Token);
        var queued = await ReadUntilAsync(waiting, e => e.EventCase == InvokeEvent.EventOneofCase.Queued, cancel.Token);

        var refused = await InvokeCall.RunAsync(_host.Client, "echo");

        await using var gateway = GatewayHost.Start(_host);
        using var refusedOverRest = await gateway.Http.PostAsync("/invoke", new StringContent("""{"function": "echo"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, refusedOverRest.StatusCode);
        Assert.Equal(1, queued.Queued.Position);
        Assert.Equal(StatusCode.ResourceExhausted, refused.Error?.StatusCode);
        Assert.Contains("at capacity", refused.Error!.Status.Detail);
        Assert.Empty(refused.Arrivals);

        await cancel.CancelAsync();
        Assert.True(await _host.WaitForNoContainersAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Invoke_WhenASlotFrees_TheQueuedInvocationRuns()
    {
        var first = InvokeCall.RunAsync(_host.Client, "print-sleep");
        await Task.Delay(300);
        var second = await InvokeCall.RunAsync(_host.Client, "print-sleep");

        Assert.Null((await first).Error);
        Assert.Null(second.Error);
        Assert.Contains(second.Events, e => e.EventCase == InvokeEvent.EventOneofCase.Queued);
        Assert.True(second.Completed.Phases.Queue.ToTimeSpan() > TimeSpan.FromSeconds(1));
    }

    private static async Task<InvokeEvent> ReadUntilAsync(AsyncServerStreamingCall<InvokeEvent> call, Func<InvokeEvent, bool> predicate, CancellationToken cancellationToken)
    {
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            if (predicate(call.ResponseStream.Current))
            {
                return call.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException("the stream ended before the expected event");
    }
}
