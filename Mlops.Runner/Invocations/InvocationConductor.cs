using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Orders one invocation's steps: admit (validate, bind the model, maybe queue) -> prepare (resolve the image,
/// maybe build) -> get a container (a pooled one handed the input, or one started for it) -> complete (judge, record a training, call back). It only
/// orders: each step belongs to the collaborator that does it, and every event goes through the invocation's journal.
/// </summary>
public sealed class InvocationConductor(
    InvocationAdmission admission,
    InvocationJournal journal,
    InvocationPreparation preparation,
    InvocationContainers containers,
    InvocationCompletion completion,
    DetachedInvocations detached)
{
    /// <summary>
    /// The events of one invocation. Bad input, an unknown function and a full queue throw
    /// <see cref="RunnerException"/> before the first event; a failed invocation throws one after its
    /// completed event. Stopping the enumeration cancels the invocation and tears its container down — except
    /// for a training: it belongs to the runner once admitted, so a caller who leaves does not lose the model
    /// (the run goes on, and history and the registry get its outcome).
    /// </summary>
    public IAsyncEnumerable<InvocationEvent> InvokeAsync(string? function, JsonObject? parameters, CancellationToken cancellationToken) =>
        InvokeAsync(function, parameters, Start.Attached, cancellationToken);

    /// <summary>The same, counted against <paramref name="key"/>'s invocations (Capacity:InvocationsPerKey) until it ends.</summary>
    public IAsyncEnumerable<InvocationEvent> InvokeAsync(string? function, JsonObject? parameters, string? key, CancellationToken cancellationToken) =>
        InvokeAsync(function, parameters, Start.Attached with { Key = key }, cancellationToken);

    /// <summary>
    /// The same, as a pipeline's step: <paramref name="artifacts"/> are staged and collected, a produced model is
    /// collected rather than registered, and leaving the enumeration cancels the invocation, training or not.
    /// </summary>
    public IAsyncEnumerable<InvocationEvent> InvokeAsync(string? function, JsonObject? parameters, string? key, IInvocationArtifacts artifacts, CancellationToken cancellationToken) =>
        InvokeAsync(function, parameters, Start.Attached with { Key = key, Artifacts = artifacts }, cancellationToken);

    /// <summary>
    /// Starts an invocation that belongs to the runner from the first (InvokeAsync) and returns its id once it is
    /// accepted; refusals throw as they do for <see cref="InvokeAsync(string?, JsonObject?, CancellationToken)"/>.
    /// Its caller's callback, if any, is told how it ended.
    /// </summary>
    public Task<string> StartAsync(string? function, JsonObject? parameters, string? callbackUrl, CancellationToken cancellationToken) =>
        StartAsync(function, parameters, callbackUrl, key: null, cancellationToken);

    /// <summary>The same, counted against <paramref name="key"/>'s invocations until it ends, long after its caller had its answer.</summary>
    public Task<string> StartAsync(string? function, JsonObject? parameters, string? callbackUrl, string? key, CancellationToken cancellationToken) =>
        AcceptedAsync(function, parameters, new Start(Async: true, admission.Callback(callbackUrl), Resumed: null) { Key = key }, cancellationToken);

    /// <summary>
    /// Runs an accepted asynchronous invocation again, under its own id, after the runner that accepted it stopped
    /// before starting it. Refused now (its function gone, say), it ends as failed with the reason.
    /// </summary>
    public async Task ResumeAsync(InvocationRecord queued, AsyncRequest request, CancellationToken cancellationToken)
    {
        try
        {
            // Checked again: what was allowed when it was accepted may not be now.
            var callback = admission.Callback(request.CallbackUrl?.OriginalString);
            await AcceptedAsync(queued.Function, request.Parameters, new Start(Async: true, callback, (queued.Id, queued.CreatedAt)), cancellationToken);
        }
        catch (RunnerException ex)
        {
            journal.Refused(queued, ex);
        }
    }

    /// <param name="Async">Belongs to the runner from the first (its caller may leave at once) and what was asked is
    /// kept in history, so that it runs again after a restart if it is still queued then.</param>
    private sealed record Start(bool Async, Uri? Callback, (string Id, DateTimeOffset CreatedAt)? Resumed)
    {
        public static readonly Start Attached = new(false, null, null);

        /// <summary>The caller's key id, whose invocations this one counts among; null for the runner's own (a resumed one).</summary>
        public string? Key { get; init; }

        /// <summary>Set for a pipeline's step.</summary>
        public IInvocationArtifacts? Artifacts { get; init; }
    }

    /// <summary>Starts an asynchronous invocation and returns its id once accepted; leaving its events then leaves it running.</summary>
    private async Task<string> AcceptedAsync(string? function, JsonObject? parameters, Start start, CancellationToken cancellationToken)
    {
        await foreach (var item in InvokeAsync(function, parameters, start, cancellationToken))
        {
            if (item is InvocationAccepted accepted)
            {
                return accepted.InvocationId;
            }
        }

        throw new UnreachableException("an invocation ended without being accepted");
    }

    private async IAsyncEnumerable<InvocationEvent> InvokeAsync(
        string? function, JsonObject? parameters, Start start, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var manifest = await admission.FindAsync(function, cancellationToken);
        // One span per invocation, parent of everything it does; refusals are recorded on it too.
        var activity = RunnerTelemetry.Source.StartActivity($"invoke {manifest.Name}");
        activity?.SetTag(RunnerTelemetry.FaasName, manifest.Name);
        var admitted = await admission.AdmitAsync(manifest, parameters, start.Key, activity, cancellationToken);
        if (start.Artifacts is not null && admitted.Model is { Produces: true } produced)
        {
            // A pipeline's step keeps its model as an artifact: nothing to record, so nothing that must outlive its caller.
            admitted = admitted with { Model = produced.Version is null ? null : produced with { Produces = false } };
        }

        var events = start.Async || admitted.Model is { Produces: true }
            ? detached.Run(token => RunAsync(admitted, start, token), cancellationToken)
            : RunAsync(admitted, start, cancellationToken);
        await foreach (var item in events.WithCancellation(cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>One admitted invocation, from its journal entry to its completed event; owns its span and its slot.</summary>
    private async IAsyncEnumerable<InvocationEvent> RunAsync(AdmittedInvocation admitted, Start start, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var activity = admitted.Activity;
        using var span = activity;
        using var ticket = admitted.Ticket;
        var request = start.Async ? new AsyncRequest(admitted.Parameters, start.Callback) : null;
        await using var live = journal.Begin(admitted.Manifest, activity, request, start.Resumed);
        await using var steps = StepsAsync(live, admitted, start.Artifacts, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            // An iterator resumes under its caller's context: put the invocation's span back before each step.
            Activity.Current = activity;
            try
            {
                if (!await steps.MoveNextAsync())
                {
                    break;
                }
            }
            catch (RunnerException ex)
            {
                live.Conclude(InvocationOutcome.Failed(ex));
                break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                live.Conclude(InvocationOutcome.Cancelled);
                break;
            }
            catch (Exception ex)
            {
                live.Crash(ex);
                throw;
            }

            yield return live.Note(steps.Current);
        }

        var completed = live.Finish();
        if (!cancellationToken.IsCancellationRequested)
        {
            yield return completed;
        }

        if (start.Callback is { } callback)
        {
            await completion.NotifyAsync(callback, live.Record, CancellationToken.None);
        }

        if (live.Error is { } error)
        {
            throw error;
        }
    }

    private async IAsyncEnumerable<InvocationEvent> StepsAsync(
        LiveInvocation live, AdmittedInvocation admitted, IInvocationArtifacts? artifacts, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (manifest, _, _, ticket, _) = admitted;
        yield return new InvocationAccepted(live.Id, manifest.Name, live.Record.CreatedAt);
        if (!ticket.IsGranted)
        {
            yield return new InvocationQueued(ticket.Position);
            await ticket.WaitAsync(cancellationToken);
        }

        await foreach (var item in preparation.ResolveImageAsync(live, manifest, cancellationToken))
        {
            yield return item;
        }

        await using var container = await containers.StartAsync(live, admitted, artifacts, cancellationToken);
        yield return new InvocationContainerStarted(container.Id);
        await foreach (var line in container.ReadLogsAsync(cancellationToken))
        {
            yield return line;
        }

        var exit = await container.EndAsync(cancellationToken);
        var verdict = await completion.JudgeAsync(live, admitted, exit, container.Workspace, cancellationToken);
        if (artifacts is not null && verdict.Outcome.Status == InvocationStatus.Succeeded)
        {
            await artifacts.CollectAsync(container.Workspace.Output, cancellationToken);
        }

        if (verdict.Result is { } result)
        {
            yield return result;
        }

        live.Conclude(verdict.Outcome);
    }
}
