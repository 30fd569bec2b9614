using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Mlops.Runner.Containers;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Functions;
using Mlops.Runner.Images;
using Mlops.Runner.Registry;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Invocations;

/// <summary>
/// One invocation, start to end: validate -> admit (maybe queue) -> resolve the image (maybe build) ->
/// stage inputs -> run the container -> collect outputs -> record. Events stream to the caller as they
/// happen; the history and the log file get the same story whether or not anyone is still listening.
/// </summary>
public sealed class InvocationPipeline(
    FunctionCatalog catalog,
    ImageService images,
    ContainerRunner containers,
    AdmissionGate gate,
    InvocationStore store,
    IModelRegistry registry,
    ModelCache modelCache,
    RunRecorder recorder,
    IOptions<RunnerOptions> options,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<InvocationPipeline> logger)
{
    private const int EventBuffer = 256;

    /// <summary>Where models go in and come out: /mlops/input/model and /mlops/output/model.</summary>
    private const string ModelFolder = "model";

    /// <summary>The most a produced model may hold: enough for real models, not a way to fill the disk.</summary>
    private const long MaxModelBytes = 2L * 1024 * 1024 * 1024;

    private readonly string _logsDirectory = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.LogsPath));
    private readonly string _dataDirectory = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.DataPath));

    /// <summary>
    /// The events of one invocation. Bad input, an unknown function and a full queue throw
    /// <see cref="RunnerException"/> before the first event; a failed invocation throws one after its
    /// completed event. Stopping the enumeration cancels the invocation and tears its container down.
    /// </summary>
    public async IAsyncEnumerable<InvocationEvent> InvokeAsync(
        string? function, JsonObject? parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var manifest = await catalog.GetAsync(function, cancellationToken);
        // One span per invocation, parent of everything it does; refusals are recorded on it too.
        using var activity = RunnerTelemetry.Source.StartActivity($"invoke {manifest.Name}");
        activity?.SetTag(RunnerTelemetry.FaasName, manifest.Name);
        JsonObject validated;
        ModelBinding? model;
        AdmissionGate.Ticket ticket;
        try
        {
            validated = ParameterValidator.Validate(manifest, parameters);
            using (var resolve = manifest.Model.Consumes ? RunnerTelemetry.Source.StartActivity("resolve model") : null)
            {
                model = await ModelOfAsync(manifest, validated, cancellationToken);
                resolve?.SetTag("mlops.model_uri", model?.Version?.Uri);
            }

            ticket = gate.Enter();
        }
        catch (RunnerException ex)
        {
            activity?.RecordError(ex.Kind.ToString(), ex);
            throw;
        }

        using var admitted = ticket;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<InvocationEvent>(new BoundedChannelOptions(EventBuffer) { SingleReader = true });
        var run = Task.Run(() => RunAsync(manifest, validated, model, ticket, channel.Writer, activity, stop.Token), CancellationToken.None);

        RunnerException? failure;
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            // Only matters when the caller stopped early: the run then tears down and records the cancellation.
            await stop.CancelAsync();
            failure = await run;
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    private async Task<RunnerException?> RunAsync(
        FunctionManifest manifest,
        JsonObject parameters,
        ModelBinding? model,
        AdmissionGate.Ticket ticket,
        ChannelWriter<InvocationEvent> writer,
        Activity? activity,
        CancellationToken cancellationToken)
    {
        var id = InvocationStore.NewId();
        activity?.SetTag(RunnerTelemetry.FaasInvocationId, id);

        var run = new RunState(manifest, id, time.GetUtcNow(), InvocationLogFile.PathFor(_logsDirectory, manifest.Name, id));
        store.Put(run.Record);
        InvocationLogFile? log = null;

        async ValueTask Emit(InvocationEvent item, CancellationToken token)
        {
            Describe(item, log!, run);
            await writer.WriteAsync(item, token);
        }

        try
        {
            log = InvocationLogFile.Create(_logsDirectory, manifest.Name, id);
            await Emit(new InvocationAccepted(id, manifest.Name, run.Record.CreatedAt), cancellationToken);
            if (!ticket.IsGranted)
            {
                await Emit(new InvocationQueued(ticket.Position), cancellationToken);
                await ticket.WaitAsync(cancellationToken);
            }

            run.Phases = run.Phases with { Queue = run.Elapsed() };
            var image = await ResolveImageAsync(manifest, item => Emit(item, cancellationToken), cancellationToken);
            activity?.SetTag(RunnerTelemetry.FaasColdstart, !image.CacheHit);
            activity?.SetTag(RunnerTelemetry.ContainerImageName, image.Tag);
            run.Phases = run.Phases with { Image = run.Elapsed() - run.Phases.Queue };
            run.Record = run.Record with { Status = InvocationStatus.Running, Image = image.Tag };
            store.Put(run.Record);

            using var workspace = await Workspace.CreateAsync(_dataDirectory, id, parameters, logger, cancellationToken);
            if (model?.Version is { } consumed)
            {
                CopyDirectory(await modelCache.GetAsync(consumed, cancellationToken), Path.Combine(workspace.Input, ModelFolder));
            }

            var spec = new RunSpec(id, manifest.Name, image.Tag, workspace.Input, workspace.Output, manifest.MemoryMb, manifest.Cpus, manifest.Timeout,
                ContainerEnvironment(manifest.Name, id, activity));
            var outcome = await containers.RunAsync(spec, (item, token) => Emit(item switch
            {
                ContainerStartedEvent started => new InvocationContainerStarted(started.ContainerId),
                ContainerLogEvent line => new InvocationLog(line.Stream, line.Line, line.Time),
                _ => throw new UnreachableException(item.GetType().Name),
            }, token), cancellationToken);

            run.Phases = run.Phases with { Create = outcome.Phases.Create, Start = outcome.Phases.Start, Run = outcome.Phases.Run, Remove = outcome.Phases.Remove };
            run.Record = run.Record with { ExitCode = outcome.ExitCode };
            var output = outcome.Reason == ExitReason.Exited ? await FunctionOutput.ReadAsync(workspace.Output, cancellationToken) : new FunctionOutput(null, null);
            var (status, error) = Judge(manifest, outcome, output, run.LastErrorLine);
            if (model is { Produced: true })
            {
                var training = new TrainingContext(id, manifest.Name, model.Name, image.Id, run.Record.CreatedAt, parameters, log.Path);
                if (status is not (InvocationStatus.Succeeded or InvocationStatus.Cancelled))
                {
                    await recorder.RecordFailureAsync(training, cancellationToken);
                }
                else if (status == InvocationStatus.Succeeded)
                {
                    var produced = Path.Combine(workspace.Output, ModelFolder);
                    if (!Directory.Exists(produced) || new DirectoryInfo(produced).LinkTarget is not null)
                    {
                        await recorder.RecordFailureAsync(training, cancellationToken);
                        throw new RunnerException(ErrorKind.FunctionFailed, $"function '{manifest.Name}' produces a model but left none in /mlops/output/{ModelFolder}");
                    }

                    // The function wrote these files: the registry only ever reads the runner's own copy.
                    var ownCopy = Path.Combine(workspace.Root, "model-to-register");
                    try
                    {
                        await UntrustedFile.CopyTreeAsync(produced, ownCopy, MaxModelBytes, cancellationToken);
                    }
                    catch (IOException ex)
                    {
                        await recorder.RecordFailureAsync(training, cancellationToken);
                        throw new RunnerException(ErrorKind.FunctionFailed, $"function '{manifest.Name}' left a model that cannot be registered: {ex.Message}");
                    }

                    var trained = output.Result ?? new InvocationResult([], [], []);
                    var recorded = await recorder.RecordSuccessAsync(training, trained, ownCopy, cancellationToken);
                    // What a user needs to find the run, and to ask predict for exactly this model.
                    trained.Data["run_id"] = recorded.RunId;
                    trained.Data["model_name"] = recorded.Version!.Name;
                    trained.Data["model_version"] = recorded.Version.Version;
                    trained.Data["model_uri"] = recorded.Version.Uri;
                    output = output with { Result = trained };
                }
            }

            if (status == InvocationStatus.Succeeded && output.Result is { } result)
            {
                run.Record = run.Record with { Result = result };
                await Emit(result, cancellationToken);
            }

            return await FinishAsync(run, status, error, log, writer, activity, cancellationToken);
        }
        catch (RunnerException ex)
        {
            return await FinishAsync(run, InvocationStatus.Failed, ex, log, writer, activity, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await FinishAsync(run, InvocationStatus.Cancelled, new RunnerException(ErrorKind.Cancelled, "the invocation was cancelled"), log, writer, activity, cancellationToken);
        }
        catch (Exception ex)
        {
            logger.InvocationCrashed(ex, id, manifest.Name);
            activity?.RecordError(ex.GetType().Name, ex);
            run.Record = run.Record with { Status = InvocationStatus.Failed, EndedAt = time.GetUtcNow(), ErrorMessage = "the runner failed; see its log" };
            store.Put(run.Record);
            throw;
        }
        finally
        {
            writer.TryComplete();
            if (log is not null)
            {
                await log.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The model a function reads or writes: the model_name parameter (or the manifest's name), and for one
    /// that reads, the version model_version names (latest, a number, @alias, or a models:/ URI). Resolved
    /// here, so a model that does not exist is refused before anything is started.
    /// </summary>
    private async Task<ModelBinding?> ModelOfAsync(FunctionManifest manifest, JsonObject parameters, CancellationToken cancellationToken)
    {
        if (manifest.Model is not { Consumes: true } and not { Produces: true })
        {
            return null;
        }

        var name = RegistryNames.Model(Text(parameters, "model_name") ?? manifest.Model.DefaultName ?? manifest.Name, $"{ParameterValidator.FieldPrefix}.model_name");
        if (!manifest.Model.Consumes)
        {
            return new ModelBinding(name, null, Produced: true);
        }

        var (uriModel, reference) = VersionReference.Parse(Text(parameters, "model_version"), $"{ParameterValidator.FieldPrefix}.model_version");
        name = uriModel ?? name;
        try
        {
            return new ModelBinding(name, await reference.ResolveAsync(registry, name, cancellationToken), manifest.Model.Produces);
        }
        catch (RunnerException ex) when (ex.Kind == ErrorKind.NotFound && reference is VersionReference.Latest && name == (manifest.Model.DefaultName ?? manifest.Name))
        {
            // The function's own model, not trained yet: a state to change, not a name to correct.
            var functions = await catalog.ListAsync(cancellationToken);
            var producer = functions.FirstOrDefault(f => f.Manifest?.Model is { Produces: true } m && (m.DefaultName ?? f.Name) == name)?.Name ?? "the function that trains it";
            throw RunnerException.FailedPrecondition($"there is no model '{name}' yet: invoke '{producer}' first to train one");
        }
    }

    private static string? Text(JsonObject parameters, string name) =>
        parameters[name] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : null;

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private async Task<ImageReady> ResolveImageAsync(FunctionManifest manifest, Func<InvocationEvent, ValueTask> emit, CancellationToken cancellationToken)
    {
        // Parent of the build span when there is one: a cold start shows as resolve image > build {function}.
        using var span = RunnerTelemetry.Source.StartActivity("resolve image");
        span?.SetTag(RunnerTelemetry.FaasName, manifest.Name);
        ImageReady? ready = null;
        await foreach (var item in images.EnsureAsync(manifest, measureLayers: false, cancellationToken))
        {
            switch (item)
            {
                case ImageBuildStarted started:
                    await emit(new InvocationBuildLog($"building image {started.Tag}", time.GetUtcNow()));
                    break;
                case ImageBuildLine line:
                    await emit(new InvocationBuildLog(line.Line, line.Time));
                    break;
                case ImageReady resolved:
                    ready = resolved;
                    span?.SetTag(RunnerTelemetry.ContainerImageName, resolved.Tag);
                    span?.SetTag(RunnerTelemetry.FaasColdstart, !resolved.CacheHit);
                    await emit(new InvocationImageResolved(resolved.Tag, resolved.CacheHit));
                    break;
            }
        }

        return ready ?? throw new UnreachableException("image resolution ended without an image");
    }

    private static (InvocationStatus Status, RunnerException? Error) Judge(FunctionManifest manifest, RunOutcome outcome, FunctionOutput output, string? lastErrorLine) =>
        outcome.Reason switch
        {
            ExitReason.TimedOut => (InvocationStatus.TimedOut, new RunnerException(ErrorKind.DeadlineExceeded,
                $"function '{manifest.Name}' did not finish within its timeout of {manifest.Timeout.TotalSeconds:0} s and was stopped")),
            ExitReason.OomKilled => (InvocationStatus.OomKilled, new RunnerException(ErrorKind.ResourceExhausted,
                $"function '{manifest.Name}' ran out of memory (limit {manifest.MemoryMb} MB) and was stopped")),
            ExitReason.Cancelled => (InvocationStatus.Cancelled, new RunnerException(ErrorKind.Cancelled, "the invocation was cancelled")),
            _ when output.Error is { } error => (InvocationStatus.Failed, new RunnerException(error.Kind, error.Message)),
            _ when outcome.ExitCode != 0 => (InvocationStatus.Failed, new RunnerException(ErrorKind.FunctionFailed,
                $"function '{manifest.Name}' exited with code {outcome.ExitCode}" + (lastErrorLine is null ? "" : $": {lastErrorLine}"))),
            _ => (InvocationStatus.Succeeded, null),
        };

    private async Task<RunnerException?> FinishAsync(
        RunState run, InvocationStatus status, RunnerException? error, InvocationLogFile? log, ChannelWriter<InvocationEvent> writer, Activity? activity, CancellationToken cancellationToken)
    {
        var total = run.Elapsed();
        run.Record = run.Record with
        {
            Status = status,
            EndedAt = time.GetUtcNow(),
            Phases = run.Phases with { Total = total },
            ErrorKind = error?.Kind,
            ErrorMessage = error?.Message,
        };
        store.Put(run.Record);

        var completed = new InvocationCompleted(run.Record);
        if (log is not null)
        {
            Describe(completed, log, run);
        }
        var outcomeTag = new KeyValuePair<string, object?>(RunnerTelemetry.Outcome, status.ToString());
        var functionTag = new KeyValuePair<string, object?>(RunnerTelemetry.FaasName, run.Record.Function);
        RunnerTelemetry.Invocations.Add(1, functionTag, outcomeTag);
        RunnerTelemetry.InvocationDuration.Record(total.TotalSeconds, functionTag, outcomeTag);
        if (error is not null)
        {
            activity?.RecordError(error.Kind.ToString(), error);
        }

        logger.InvocationFinished(run.Record.Id, run.Record.Function, status.ToString(), total.TotalSeconds);
        if (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await writer.WriteAsync(completed, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The caller left just now; the history and the log file have the outcome.
            }
        }

        return error;
    }

    private static IReadOnlyDictionary<string, string> ContainerEnvironment(string function, string id, Activity? activity)
    {
        var variables = new Dictionary<string, string>
        {
            ["MLOPS_INVOCATION_ID"] = id,
            ["MLOPS_FUNCTION"] = function,
            // The root filesystem is read-only; /tmp is the one writable place besides the output.
            ["HOME"] = "/tmp",
        };
        if (activity is { IdFormat: ActivityIdFormat.W3C })
        {
            variables["TRACEPARENT"] = activity.Id!;
        }

        return variables;
    }

    /// <summary>Writes the event to the invocation's log file and keeps what the error message may need.</summary>
    private void Describe(InvocationEvent item, InvocationLogFile log, RunState run)
    {
        switch (item)
        {
            case InvocationAccepted accepted:
                log.Write(accepted.Time, "runner", $"invocation {accepted.InvocationId} of {accepted.Function} accepted");
                break;
            case InvocationQueued queued:
                log.Write(time.GetUtcNow(), "runner", $"queued at position {queued.Position}");
                break;
            case InvocationBuildLog line:
                log.Write(line.Time, "build", line.Line);
                break;
            case InvocationImageResolved image:
                log.Write(time.GetUtcNow(), "runner", $"image {image.Image} ({(image.CacheHit ? "cached" : "built")})");
                break;
            case InvocationContainerStarted started:
                log.Write(time.GetUtcNow(), "runner", $"container {started.ContainerId} started");
                break;
            case InvocationLog line:
                if (line.Stream == OutputStream.Stderr && !string.IsNullOrWhiteSpace(line.Line))
                {
                    run.LastErrorLine = line.Line;
                }

                log.Write(line.Time, line.Stream == OutputStream.Stderr ? "stderr" : "stdout", line.Line);
                break;
            case InvocationResult result:
                log.Write(time.GetUtcNow(), "runner", $"result {new JsonObject { ["metrics"] = result.Metrics.DeepClone(), ["params"] = result.Params.DeepClone(), ["data"] = result.Data.DeepClone() }.ToJsonString()}");
                break;
            case InvocationCompleted completed:
                var record = completed.Record;
                log.Write(record.EndedAt ?? time.GetUtcNow(), "runner",
                    $"completed: {record.Status}, exit code {record.ExitCode?.ToString() ?? "-"}, {record.Phases.Total.TotalSeconds:F2} s" +
                    (record.ErrorMessage is null ? "" : $", {record.ErrorKind}: {record.ErrorMessage}"));
                break;
        }
    }

    /// <param name="Version">The version a consuming function gets; null for one that only produces.</param>
    private sealed record ModelBinding(string Name, ModelVersion? Version, bool Produced);

    /// <summary>The mutable bits of one run, shared by the steps above.</summary>
    private sealed class RunState(FunctionManifest manifest, string id, DateTimeOffset created, string logPath)
    {
        private readonly long _started = Stopwatch.GetTimestamp();

        public InvocationRecord Record { get; set; } = new(
            id, manifest.Name, InvocationStatus.Pending, created, null, null, null, InvocationPhases.Zero, null, null, null, logPath);

        public InvocationPhases Phases { get; set; } = InvocationPhases.Zero;

        public string? LastErrorLine { get; set; }

        public TimeSpan Elapsed() => Stopwatch.GetElapsedTime(_started);
    }
}
