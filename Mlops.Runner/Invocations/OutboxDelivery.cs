using Mlops.Runner.Diagnostics;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Records what waits in the <see cref="TrainingOutbox"/> once the registry answers again, oldest first, and
/// amends each invocation's result in history with its run and version (so it lives with invocations). At its
/// first pass that reaches the registry it also ends runs left RUNNING by an invocation that is over.
/// </summary>
public sealed class OutboxDelivery(
    TrainingOutbox outbox, IRunRecorder recorder, IModelRegistry registry, InvocationStore history, TimeProvider time, ILogger<OutboxDelivery> logger)
    : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(15);

    /// <summary>Runs looked at for reconciliation: the newest, where a runner's own unfinished ones are.</summary>
    private const int RecentRuns = 500;

    /// <summary>Runs started before this moment belong to invocations of an earlier runner, or to ones kept in the outbox.</summary>
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    private bool _reconciled;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            try
            {
                await DeliverAsync(stoppingToken);
            }
            catch (RunnerException ex) when (ex.Kind == ErrorKind.Unavailable)
            {
                logger.OutboxWaiting(outbox.Count, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A pass that fails otherwise (a busy database, a damaged entry) must not end delivery for good.
                logger.OutboxPassFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: reconciles (once), then records every entry it can; stops at the first the registry cannot take.</summary>
    public async Task DeliverAsync(CancellationToken cancellationToken)
    {
        if (!_reconciled)
        {
            await ReconcileAsync(cancellationToken);
            _reconciled = true;
        }

        foreach (var entry in outbox.List())
        {
            RecordedTraining recorded;
            try
            {
                recorded = entry.Result is { } result
                    ? await recorder.RecordSuccessAsync(entry.Context, result, entry.ModelDirectory!, cancellationToken)
                    : await recorder.RecordFailureAsync(entry.Context, cancellationToken);
            }
            catch (RunnerException ex) when (ex.Kind != ErrorKind.Unavailable)
            {
                // The registry refuses this one for good (say, a parameter it will not take): set aside with the reason.
                logger.OutboxEntryRefused(ex, entry.Context.InvocationId);
                outbox.SetAside(entry.Folder, ex.Message);
                continue;
            }

            // Out of the outbox before anything else can fail: recorded twice would be two versions.
            outbox.Remove(entry);
            logger.OutboxDelivered(entry.Context.InvocationId, recorded.Version?.Uri ?? recorded.RunId ?? "");
            if (entry.Result is not null)
            {
                history.AmendResult(entry.Context.InvocationId, recorded.DescribeIn);
            }
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        foreach (var run in await registry.ListRunsAsync(null, RecentRuns, cancellationToken))
        {
            if (run.Status != RunStatus.Running || run.StartTime >= _startedAt || !run.Tags.TryGetValue(RunRecorder.RunTags.InvocationId, out var invocationId) ||
                !InvocationStore.IsValidId(invocationId) || history.IsLive(invocationId) || !history.Knows(invocationId))
            {
                // Not this runner's, started since it runs, or still being recorded.
                continue;
            }

            // The run the invocation's answer named was recorded whole (its version exists): only its last step failed.
            var recorded = history.Get(invocationId) is { Status: InvocationStatus.Succeeded, Result.Data: var data } &&
                           data["run_id"]?.GetValue<string>() == run.Id;
            var status = recorded ? RunStatus.Finished : RunStatus.Failed;
            try
            {
                await registry.FinishRunAsync(run.Id, status, time.GetUtcNow(), cancellationToken);
                logger.StaleRunFinished(run.Id, invocationId, status.ToString());
            }
            catch (RunnerException ex) when (ex.Kind != ErrorKind.Unavailable)
            {
                // Deleted meanwhile, say: one run must not stop the others, nor delivery.
                logger.StaleRunKept(ex, run.Id);
            }
        }
    }
}
