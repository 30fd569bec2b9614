using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Functions;
using Mlops.Runner.Images;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Orders one invocation's steps: validate -> bind the model -> admit (maybe queue) -> resolve the image
/// (maybe build) -> stage inputs -> run the container -> judge -> record a training. It only orders: each
/// step belongs to the seam that does it, and every event goes through the invocation's journal.
/// </summary>
public sealed class InvocationConductor(
    FunctionCatalog catalog,
    ModelBinder models,
    AdmissionGate gate,
    DiskGuard disk,
    InvocationJournal journal,
    IImageResolver images,
    Workspaces workspaces,
    IFunctionRuntime runtime,
    TrainingRegistrar registrar,
    IOptions<ContainerOptions> containerOptions,
    DetachedInvocations detached,
    InvocationCallbacks callbacks,
    TimeProvider time)
{
    /// <summary>How long reading a finished function's output and recording its training may take, caller or not.</summary>
    private static readonly TimeSpan FinishingBound = TimeSpan.FromMinutes(10);

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
    /// Starts an invocation that belongs to the runner from the first (InvokeAsync) and returns its id once it is
    /// accepted; refusals throw as they do for <see cref="InvokeAsync(string?, JsonObject?, CancellationToken)"/>.
    /// Its caller's callback, if any, is told how it ended.
    /// </summary>
    public Task<string> StartAsync(string? function, JsonObject? parameters, string? callbackUrl, CancellationToken cancellationToken) =>
        StartAsync(function, parameters, callbackUrl, key: null, cancellationToken);

    /// <summary>The same, counted against <paramref name="key"/>'s invocations until it ends, long after its caller had its answer.</summary>
    public Task<string> StartAsync(string? function, JsonObject? parameters, string? callbackUrl, string? key, CancellationToken cancellationToken) =>
        AcceptedAsync(function, parameters, new Start(Async: true, callbacks.Validate(callbackUrl), Resumed: null) { Key = key }, cancellationToken);

    /// <summary>
    /// Runs an accepted asynchronous invocation again, under its own id, after the runner that accepted it stopped
    /// before starting it. Refused now (its function gone, say), it ends as failed with the reason.
    /// </summary>
    public async Task ResumeAsync(InvocationRecord queued, AsyncRequest request, CancellationToken cancellationToken)
    {
        try
        {
            // Checked again: what was allowed when it was accepted may not be now.
            var callback = callbacks.Validate(request.CallbackUrl?.OriginalString);
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
        var manifest = await catalog.GetAsync(function, cancellationToken);
        // One span per invocation, parent of everything it does; refusals are recorded on it too.
        var activity = RunnerTelemetry.Source.StartActivity($"invoke {manifest.Name}");
        activity?.SetTag(RunnerTelemetry.FaasName, manifest.Name);
        Admission admitted;
        try
        {
            admitted = await AdmitAsync(manifest, parameters, start.Key, activity, cancellationToken);
        }
        catch
        {
            activity?.Dispose();
            throw;
        }

        var events = start.Async || admitted.Model is { Produces: true }
            ? detached.Run(token => RunAsync(manifest, admitted, start, activity, token), cancellationToken)
            : RunAsync(manifest, admitted, start, activity, cancellationToken);
        await foreach (var item in events.WithCancellation(cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>One admitted invocation, from its journal entry to its completed event; owns its span and its slot.</summary>
    private async IAsyncEnumerable<InvocationEvent> RunAsync(
        FunctionManifest manifest, Admission admitted, Start start, Activity? activity, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var span = activity;
        using var ticket = admitted.Ticket;
        var request = start.Async ? new AsyncRequest(admitted.Parameters, start.Callback) : null;
        await using var live = journal.Begin(manifest, activity, request, start.Resumed);
        await using var steps = StepsAsync(live, manifest, admitted.Parameters, admitted.Model, ticket, cancellationToken).GetAsyncEnumerator(cancellationToken);
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
            await callbacks.NotifyAsync(callback, live.Record, CancellationToken.None);
        }

        if (live.Error is { } error)
        {
            throw error;
        }
    }

    private sealed record Admission(JsonObject Parameters, ModelBinding? Model, AdmissionGate.Ticket Ticket);

    private async Task<Admission> AdmitAsync(FunctionManifest manifest, JsonObject? parameters, string? key, Activity? activity, CancellationToken cancellationToken)
    {
        try
        {
            var validated = ParameterValidator.Validate(manifest, parameters);
            disk.EnsureRoom();
            var model = await models.BindAsync(manifest, validated, cancellationToken);
            return new Admission(validated, model, gate.Enter(manifest.MemoryMb, key));
        }
        catch (RunnerException ex)
        {
            activity?.RecordError(ex.Kind.ToString(), ex);
            throw;
        }
    }

    private async IAsyncEnumerable<InvocationEvent> StepsAsync(
        LiveInvocation live, FunctionManifest manifest, JsonObject parameters, ModelBinding? model, AdmissionGate.Ticket ticket,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new InvocationAccepted(live.Id, manifest.Name, live.Record.CreatedAt);
        if (!ticket.IsGranted)
        {
            yield return new InvocationQueued(ticket.Position);
            await ticket.WaitAsync(cancellationToken);
        }

        var queued = live.Elapsed;
        ImageReady? image = null;
        // Parent of the build span when there is one: a cold start shows as resolve image > build {function}.
        using (var span = RunnerTelemetry.Source.StartActivity("resolve image"))
        {
            span?.SetTag(RunnerTelemetry.FaasName, manifest.Name);
            await foreach (var item in images.EnsureAsync(manifest, measureLayers: false, cancellationToken))
            {
                image = item as ImageReady ?? image;
                yield return item switch
                {
                    ImageBuildStarted started => new InvocationBuildLog($"building image {started.Tag}", time.GetUtcNow()),
                    ImageBuildLine line => new InvocationBuildLog(line.Line, line.Time),
                    ImageReady ready => new InvocationImageResolved(ready.Tag, ready.CacheHit),
                    _ => throw new UnreachableException(item.GetType().Name),
                };
            }

            span?.SetTag(RunnerTelemetry.ContainerImageName, image?.Tag);
            span?.SetTag(RunnerTelemetry.FaasColdstart, image is { CacheHit: false });
        }

        var resolved = image ?? throw new UnreachableException("image resolution ended without an image");
        live.ImageResolved(resolved, queued);

        using var workspace = await workspaces.CreateAsync(live.Id, parameters, cancellationToken);
        if (model is not null)
        {
            await models.StageAsync(model, workspace.Input, cancellationToken);
        }

        await using var container = await runtime.CreateAsync(InvocationContainer.SpecFor(live, manifest, resolved.Tag, workspace), cancellationToken);
        await container.StartAsync(manifest.Timeout, cancellationToken);
        yield return new InvocationContainerStarted(container.Id);
        ContainerExit exit;
        await using (var limits = OutputLimits.Watch(container, workspace.Output, containerOptions.Value, time))
        {
            await foreach (var line in limits.ReadLogsAsync(cancellationToken))
            {
                yield return new InvocationLog(line.Stream, line.Line, line.Time);
            }

            exit = await container.WaitAsync(cancellationToken);
            if (exit.Reason == ExitReason.Exited && limits.OutputExceeded())
            {
                exit = exit with { Reason = ExitReason.OutputLimit };
            }
        }

        // Removed before the verdict, so that the completed event can say how long removal took.
        await container.DisposeAsync();
        live.Update(record => record with
        {
            ExitCode = exit.ExitCode,
            Phases = record.Phases with { Create = container.Timings.Create, Start = container.Timings.Start, Run = container.Timings.Run, Remove = container.Timings.Remove },
        });

        // The function has finished: what it produced is kept and recorded even if the caller has gone meanwhile
        // (a trained model exists only in this workspace until it is registered).
        using var finishing = new CancellationTokenSource(FinishingBound);
        var output = exit.Reason == ExitReason.Exited ? await FunctionOutput.ReadAsync(workspace.Output, finishing.Token) : FunctionOutput.None;
        var outcome = InvocationOutcome.Judge(manifest, exit, output, live.LastErrorLine, containerOptions.Value);
        if (model is { Produces: true } && outcome.Status != InvocationStatus.Cancelled)
        {
            // A training runs on the runner's token: a shutdown mid-upload keeps it in the outbox rather than losing it.
            using var recording = CancellationTokenSource.CreateLinkedTokenSource(finishing.Token, cancellationToken);
            output = await RecordTrainingAsync(live, model, resolved, parameters, outcome, output, workspace, recording.Token);
        }

        if (outcome.Status == InvocationStatus.Succeeded && output.Result is { } result)
        {
            live.Update(record => record with { Result = result });
            yield return result;
        }

        live.Conclude(outcome);
    }

    private async Task<FunctionOutput> RecordTrainingAsync(
        LiveInvocation live, ModelBinding model, ImageReady image, JsonObject parameters, InvocationOutcome outcome, FunctionOutput output, Workspace workspace,
        CancellationToken cancellationToken)
    {
        var training = new TrainingContext(live.Id, live.Record.Function, model.Name, image.Id, live.Record.CreatedAt, parameters, live.Record.LogPath);
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
