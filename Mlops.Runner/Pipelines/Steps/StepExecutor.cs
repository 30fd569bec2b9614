namespace Mlops.Runner.Pipelines;

/// <summary>
/// Keys and runs one step: a function step as one invocation, or a built-in action. The step's timeout (an
/// action's default: 300 s) bounds the attempt; reaching it cancels what runs and fails the step DEADLINE_EXCEEDED.
/// </summary>
public sealed class StepExecutor(
    StepKeys keys, FunctionStep functions, RegisterAction register, AliasAction alias, DeployAction deploy, CallAction call) : IStepExecutor
{
    public static readonly TimeSpan ActionTimeout = TimeSpan.FromSeconds(300);

    public Task<string> KeyAsync(StepWork work, CancellationToken cancellationToken) => keys.KeyAsync(work, cancellationToken);

    public async Task<StepOutputs> ExecuteAsync(StepWork work, IStepProgress progress, CancellationToken cancellationToken)
    {
        // A function's own timeoutSeconds is the container's bound already; a step's own applies on top of it.
        var limit = work.Step.Timeout ?? (work.Step.Kind == StepKind.Action ? ActionTimeout : (TimeSpan?)null);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit is { } timeout)
        {
            bounded.CancelAfter(timeout);
        }

        try
        {
            return await RunAsync(work, progress, bounded.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RunnerException { Kind: ErrorKind.Cancelled }
                                   && bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RunnerException(ErrorKind.DeadlineExceeded,
                $"step {work.Name} did not finish within {limit!.Value.TotalSeconds:0.###} s (steps.{work.Step.Id}.timeoutSeconds)", inner: ex);
        }
    }

    private Task<StepOutputs> RunAsync(StepWork work, IStepProgress progress, CancellationToken cancellationToken) => work.Step switch
    {
        { Kind: StepKind.Function } => functions.ExecuteAsync(work, progress, cancellationToken),
        { Action: "best" } => Task.FromResult(BestAction.Pick(work)),
        { Action: "register" } => register.ExecuteAsync(work, cancellationToken),
        { Action: "alias" } => alias.ExecuteAsync(work, cancellationToken),
        { Action: "deploy" } => deploy.ExecuteAsync(work, cancellationToken),
        { Action: "call" } => call.ExecuteAsync(work, cancellationToken),
        _ => throw RunnerException.InvalidArgument($"steps.{work.Step.Id}.action", $"'{work.Step.Action}' is not one of best, register, alias, deploy, call"),
    };
}
