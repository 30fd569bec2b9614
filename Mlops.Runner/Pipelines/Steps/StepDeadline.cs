namespace Mlops.Runner.Pipelines;

/// <summary>
/// A step's timeout (an action's default: 300 s; a function step without one: its function's own, which the
/// container keeps): reaching it cancels what runs and fails the attempt DEADLINE_EXCEEDED.
/// </summary>
public static class StepDeadline
{
    public static readonly TimeSpan ActionTimeout = TimeSpan.FromSeconds(300);

    public static async Task<StepOutputs> RunAsync(StepWork work, Func<CancellationToken, Task<StepOutputs>> run, CancellationToken cancellationToken)
    {
        var limit = work.Step.Timeout ?? (work.Step.Kind == StepKind.Action ? ActionTimeout : null);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit is { } timeout)
        {
            bounded.CancelAfter(timeout);
        }

        try
        {
            return await run(bounded.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RunnerException { Kind: ErrorKind.Cancelled }
                                   && bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The conductor reports a cancelled invocation as a RunnerException (Cancelled): this cancel was the step's.
            throw new RunnerException(ErrorKind.DeadlineExceeded,
                $"step {work.Name} did not finish within {limit!.Value.TotalSeconds:0.###} s (steps.{work.Step.Id}.timeoutSeconds)", inner: ex);
        }
    }
}
