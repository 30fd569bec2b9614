using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Invocations;

/// <summary>
/// How an invocation ends once its container is gone: what the function left is read and judged, a training is
/// recorded (in the registry, or kept in the outbox), and an asynchronous caller's callback is told.
/// </summary>
public sealed class InvocationCompletion(TrainingRegistrar registrar, InvocationCallbacks callbacks, IOptions<ContainerOptions> options)
{
    /// <summary>How long reading a finished function's output and recording its training may take, caller or not.</summary>
    private static readonly TimeSpan FinishingBound = TimeSpan.FromMinutes(10);

    /// <param name="Result">What a success reports (already kept in its record); null otherwise.</param>
    public sealed record Verdict(InvocationOutcome Outcome, InvocationResult? Result);

    public async Task<Verdict> JudgeAsync(LiveInvocation live, AdmittedInvocation admitted, ContainerExit exit, Workspace workspace, CancellationToken cancellationToken)
    {
        // The function has finished: what it produced is kept and recorded even if the caller has gone meanwhile
        // (a trained model exists only in this workspace until it is registered).
        using var finishing = new CancellationTokenSource(FinishingBound);
        var output = exit.Reason == ExitReason.Exited ? await FunctionOutput.ReadAsync(workspace.Output, finishing.Token) : FunctionOutput.None;
        var outcome = InvocationOutcome.Judge(admitted.Manifest, exit, output, live.LastErrorLine, options.Value);
        if (admitted.Model is { Produces: true } model && outcome.Status != InvocationStatus.Cancelled)
        {
            // A training runs on the runner's token: a shutdown mid-upload keeps it in the outbox rather than losing it.
            using var recording = CancellationTokenSource.CreateLinkedTokenSource(finishing.Token, cancellationToken);
            output = await RecordTrainingAsync(live, model, admitted.Parameters, outcome, output, workspace, recording.Token);
        }

        if (outcome.Status != InvocationStatus.Succeeded || output.Result is not { } result)
        {
            return new Verdict(outcome, Result: null);
        }

        live.Update(record => record with { Result = result });
        return new Verdict(outcome, result);
    }

    public Task NotifyAsync(Uri callback, InvocationRecord record, CancellationToken cancellationToken) =>
        callbacks.NotifyAsync(callback, record, cancellationToken);

    private async Task<FunctionOutput> RecordTrainingAsync(
        LiveInvocation live, ModelBinding model, JsonObject parameters, InvocationOutcome outcome, FunctionOutput output, Workspace workspace,
        CancellationToken cancellationToken)
    {
        var training = new TrainingContext(live.Id, live.Record.Function, model.Name, live.Image.Id, live.Record.CreatedAt, parameters, live.Record.LogPath);
        if (outcome.Status != InvocationStatus.Succeeded)
        {
            await registrar.RecordFailureAsync(training, cancellationToken);
            return output;
        }

        var result = output.Result ?? new InvocationResult([], [], []);
        var recorded = await registrar.RecordSuccessAsync(
            training, new TrainingResult(result.Metrics, result.Params, result.Data), workspace.Output, workspace.Root, cancellationToken);
        recorded.DescribeIn(result.Data);
        return output with { Result = result };
    }
}
