using Mlops.Runner.Invocations;

namespace Mlops.Runner.Recovery;

/// <summary>
/// At start-up, the asynchronous invocations an earlier runner accepted but never started: they run now, under
/// their own ids, as their callers were promised. (The ones it had started end as failed: see CrashLeftovers.)
/// </summary>
public sealed class QueuedInvocations(InvocationStore history, InvocationConductor conductor) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (record, request) in history.Queued())
        {
            await conductor.ResumeAsync(record, request, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
