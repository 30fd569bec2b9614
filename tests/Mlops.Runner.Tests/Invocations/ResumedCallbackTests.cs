using Mlops.Runner.Invocations;

namespace Mlops.Runner.Tests.Invocations;

/// <summary>A queued invocation's callback is checked again when it runs after a restart, under today's settings.</summary>
public sealed class ResumedCallbackTests : IAsyncLifetime
{
    private readonly ConductorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Resume_ACallbackTheSettingsNoLongerAllow_EndsTheInvocationFailed_NamingTheField()
    {
        var id = Guid.NewGuid().ToString("N");
        var queued = new InvocationRecord(id, "work", InvocationStatus.Pending, DateTimeOffset.UtcNow, null, null, null, InvocationPhases.Zero, null, null, null, "");
        // Accepted by a runner that allowed loopback; this one does not.
        var request = new AsyncRequest([], new Uri("http://127.0.0.1:9/done?token=t"));
        _harness.Store.Begin(queued, request);

        await _harness.Conductor.ResumeAsync(queued, request, CancellationToken.None).WaitAsync(ConductorHarness.Bound);

        var ended = _harness.Store.Get(id);
        Assert.Equal(InvocationStatus.Failed, ended.Status);
        Assert.Equal(ErrorKind.InvalidArgument, ended.ErrorKind);
        Assert.Contains("callback_url", ended.ErrorMessage);
    }
}
