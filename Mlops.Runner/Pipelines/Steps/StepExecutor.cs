namespace Mlops.Runner.Pipelines;

/// <summary>Keys and runs one step: a function step as one invocation, or a built-in action, within the step's timeout.</summary>
public sealed class StepExecutor(
    StepKeys keys, FunctionStep functions, RegisterAction register, AliasAction alias, DeployAction deploy, CallAction call) : IStepExecutor
{
    public Task<string> KeyAsync(StepWork work, CancellationToken cancellationToken) => keys.KeyAsync(work, cancellationToken);

    public Task<StepOutputs> ExecuteAsync(StepWork work, IStepProgress progress, CancellationToken cancellationToken) =>
        StepDeadline.RunAsync(work, token => RunAsync(work, progress, token), cancellationToken);

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
