using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Containers;

/// <summary>
/// Removes this runner instance's containers that no live invocation owns: at start-up, what an earlier
/// run left behind (a crash, a kill -9); then every interval, what a teardown could not remove, or what the
/// engine still held when it was away.
/// </summary>
public sealed class ContainerJanitor(
    IContainerEngine engine,
    LiveContainers live,
    IOptions<ContainerOptions> options,
    IOptions<RunnerOptions> runnerOptions,
    TimeProvider time,
    ILogger<ContainerJanitor> logger,
    FirstSweep firstSweep) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            logger.EngineConnected((await engine.VersionAsync(cancellationToken)).ToString(), engine.Address);
            // Before the runner takes calls, so that nothing left from before competes for memory.
            await SweepAsync(cancellationToken);
        }
        catch (RunnerException ex) when (ex.Kind == ErrorKind.Unavailable)
        {
            // The runner starts all the same, degraded (its health says why); the first sweep that reaches the
            // engine removes what an earlier run left.
            logger.EngineUnreachableAtStart(ex.Message);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.JanitorIntervalSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (RunnerException ex)
            {
                // The engine is down for now; the next tick tries again.
                logger.JanitorSweepFailed(ex);
            }
        }
    }

    /// <summary>One pass; returns how many containers it removed.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        var failed = false;
        foreach (var stray in (await engine.ListAsync(cancellationToken)).Where(c => !live.Contains(c.Owner)))
        {
            try
            {
                await engine.RemoveAsync(stray.Id, cancellationToken);
                removed++;
            }
            catch (RunnerException ex)
            {
                // One stubborn container (say, removal already in progress) must not stop the others.
                logger.OrphanRemoveFailed(ex, stray.Id);
                failed = true;
            }
        }

        if (!failed)
        {
            firstSweep.Complete();
        }

        if (removed > 0)
        {
            logger.OrphansRemoved(removed, runnerOptions.Value.InstanceName);
        }

        return removed;
    }
}
