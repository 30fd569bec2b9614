using System.Diagnostics;
using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Mlops.Runner.Diagnostics;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Containers;

/// <summary>
/// Runs one invocation in one fresh, hardened container: create -> attach -> start -> wait (bounded by the
/// function's timeout) -> inspect -> remove. The container is removed in every outcome, including
/// exceptions and cancellation; each step is a span.
/// </summary>
public sealed class ContainerRunner(
    IDockerClient docker,
    IOptions<ContainerOptions> options,
    IOptions<RunnerOptions> runnerOptions,
    TimeProvider time,
    ILogger<ContainerRunner> logger)
{
    /// <summary>How long the log stream may take to drain after the container has stopped.</summary>
    private static readonly TimeSpan LogDrainTimeout = TimeSpan.FromSeconds(10);

    public static string ContainerName(RunSpec spec) => $"mlops-{spec.Function}-{spec.InvocationId}";

    public async Task<RunOutcome> RunAsync(
        RunSpec spec, Func<ContainerEvent, CancellationToken, ValueTask> onEvent, CancellationToken cancellationToken)
    {
        string? id = null;
        var counted = false;
        TimeSpan create = default, start = default, run = default;
        RunOutcome? outcome = null;
        MultiplexedStream? output = null;
        Task? pump = null;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var pumpCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var mark = Stopwatch.GetTimestamp();
            using (var span = StartSpan("container create", spec))
            {
                var created = await docker.Containers.CreateContainerAsync(CreateParameters(spec), cancellationToken);
                id = created.ID;
                span?.SetTag(RunnerTelemetry.ContainerId, id);
                RunnerTelemetry.ActiveContainers.Add(1);
                counted = true;
            }

            create = Stopwatch.GetElapsedTime(mark);

            // Attach before start, or the first lines would be lost.
            output = await docker.Containers.AttachContainerAsync(
                id, tty: false, new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, cancellationToken);
            pump = LogPump.RunAsync(output, onEvent, started.Task, time, pumpCancellation.Token);

            mark = Stopwatch.GetTimestamp();
            using (StartSpan("container start", spec, id))
            {
                await docker.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
            }

            start = Stopwatch.GetElapsedTime(mark);

            // The clock runs from the start, whatever happens next (a slow reader included).
            mark = Stopwatch.GetTimestamp();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(spec.Timeout);
            ExitReason? killedFor = null;
            using (var span = StartSpan("container wait", spec, id))
            {
                try
                {
                    await onEvent(new ContainerStartedEvent(id), deadline.Token);
                    started.TrySetResult();
                    await docker.Containers.WaitContainerAsync(id, deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    killedFor = cancellationToken.IsCancellationRequested ? ExitReason.Cancelled : ExitReason.TimedOut;
                    span?.RecordError(killedFor == ExitReason.TimedOut ? "timeout" : "cancelled");
                    logger.ContainerKilled(id, spec.InvocationId, killedFor.Value.ToString());
                    await KillAsync(id);
                }
            }

            run = Stopwatch.GetElapsedTime(mark);
            await DrainAsync(pump, pumpCancellation);

            var state = (await docker.Containers.InspectContainerAsync(id, CancellationToken.None)).State;
            outcome = killedFor is { } killed
                ? new RunOutcome(killed, null, id, new RunPhases(create, start, run, default))
                : new RunOutcome(
                    // A process killed for memory while the function still exits 0 is not a failed invocation.
                    state.OOMKilled && state.ExitCode != 0 ? ExitReason.OomKilled : ExitReason.Exited,
                    (int)state.ExitCode, id, new RunPhases(create, start, run, default));
        }
        finally
        {
            started.TrySetResult();
            await StopPumpAsync(pump, pumpCancellation, spec);
            output?.Dispose();
            var removed = await RemoveAsync(spec, id);
            if (counted)
            {
                RunnerTelemetry.ActiveContainers.Add(-1);
            }

            if (outcome is not null)
            {
                outcome = outcome with { Phases = outcome.Phases with { Remove = removed } };
            }
        }

        return outcome;
    }

    /// <summary>On the way out no line may be delivered after the outcome: stop the pump and wait for it.</summary>
    private async Task StopPumpAsync(Task? pump, CancellationTokenSource pumpCancellation, RunSpec spec)
    {
        if (pump is null)
        {
            return;
        }

        if (!pump.IsCompleted)
        {
            await pumpCancellation.CancelAsync();
        }

        try
        {
            await pump;
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose above, or the invocation was cancelled.
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            logger.LogStreamFailed(ex, spec.InvocationId);
        }
    }

    private async Task KillAsync(string id)
    {
        using var teardown = TeardownToken();
        try
        {
            await docker.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, teardown.Token);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            // It exited between the deadline and the kill: nothing left to stop.
        }
    }

    private static async Task DrainAsync(Task pump, CancellationTokenSource pumpCancellation)
    {
        try
        {
            await pump.WaitAsync(LogDrainTimeout);
        }
        catch (TimeoutException)
        {
            await pumpCancellation.CancelAsync();
        }
        catch (OperationCanceledException)
        {
            // The invocation was cancelled while lines were being delivered; the caller knows.
        }
    }

    /// <summary>Removes the container (by id, or by name when create did not return); returns how long it took.</summary>
    private async Task<TimeSpan> RemoveAsync(RunSpec spec, string? id)
    {
        var mark = Stopwatch.GetTimestamp();
        using var span = StartSpan("container remove", spec, id);
        using var teardown = TeardownToken();
        try
        {
            await docker.Containers.RemoveContainerAsync(id ?? ContainerName(spec), new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, teardown.Token);
        }
        catch (DockerContainerNotFoundException) when (id is null)
        {
            // Create never reached the engine.
        }
        catch (Exception ex) when (ex is DockerApiException or OperationCanceledException or HttpRequestException)
        {
            // The reaper removes it at the next start; report it loudly now.
            span?.RecordError("teardown_failed", ex);
            logger.TeardownFailed(ex, id ?? ContainerName(spec), spec.InvocationId);
        }

        return Stopwatch.GetElapsedTime(mark);
    }

    private CreateContainerParameters CreateParameters(RunSpec spec)
    {
        var container = options.Value;
        var memory = spec.MemoryMb * 1024L * 1024L;
        return new CreateContainerParameters
        {
            Name = ContainerName(spec),
            Image = spec.Image,
            User = container.User,
            Env = spec.Environment.Select(pair => $"{pair.Key}={pair.Value}").ToList(),
            Labels = new Dictionary<string, string>
            {
                [Labels.Function] = spec.Function,
                [Labels.Invocation] = spec.InvocationId,
                [Labels.Runner] = runnerOptions.Value.InstanceName,
            },
            AttachStdout = true,
            AttachStderr = true,
            NetworkDisabled = true,
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                ReadonlyRootfs = true,
                Tmpfs = new Dictionary<string, string>
                {
                    ["/tmp"] = string.Create(CultureInfo.InvariantCulture, $"rw,nosuid,nodev,size={container.TmpfsSizeMb}m"),
                },
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                PidsLimit = container.PidsLimit,
                Memory = memory,
                MemorySwap = memory,
                NanoCPUs = (long)(spec.Cpus * 1_000_000_000),
                Init = true,
                Mounts =
                [
                    new Mount { Type = "bind", Source = spec.InputDirectory, Target = RunSpec.InputMount, ReadOnly = true },
                    new Mount { Type = "bind", Source = spec.OutputDirectory, Target = RunSpec.OutputMount, ReadOnly = false },
                ],
            },
        };
    }

    private CancellationTokenSource TeardownToken() => new(TimeSpan.FromSeconds(options.Value.TeardownTimeoutSeconds));

    private static Activity? StartSpan(string name, RunSpec spec, string? containerId = null)
    {
        var span = RunnerTelemetry.Source.StartActivity(name);
        span?.SetTag(RunnerTelemetry.FaasName, spec.Function);
        span?.SetTag(RunnerTelemetry.FaasInvocationId, spec.InvocationId);
        span?.SetTag(RunnerTelemetry.ContainerImageName, spec.Image);
        if (containerId is not null)
        {
            span?.SetTag(RunnerTelemetry.ContainerId, containerId);
        }

        return span;
    }
}
