using System.Collections.Concurrent;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Containers.Swarm;

/// <summary>
/// Follows a started task to its end: asks its state until it is final, then reads its logs through the manager,
/// cuts its output block out of them and unpacks it into the invocation's output folder.
/// </summary>
internal sealed class TaskFollower(IDockerClient docker, IOptions<SwarmOptions> swarm, IOptions<ContainerOptions> containers, ILogger<TaskFollower> logger)
{
    /// <summary>Exit code of a task the runner killed (as for SIGKILL).</summary>
    public const long KilledExitCode = 137;

    private static readonly TimeSpan LogsSettle = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<string, string> _nodeNames = new(StringComparer.Ordinal);

    public async Task FollowAsync(SwarmTask task)
    {
        try
        {
            task.Ended.TrySetResult(await EndAsync(task));
        }
        catch (Exception ex) when (ex is RunnerException || EngineFailures.IsEngineFailure(ex))
        {
            task.Ended.TrySetException(ex as RunnerException ?? EngineFailures.Unavailable(docker, ex));
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Its service went while its end was read (removed by someone else): the waiters hear it, nobody waits for ever.
            task.Ended.TrySetException(new RunnerException(ErrorKind.Unavailable, $"task {task.Name} was removed before its end could be read", inner: ex));
        }
    }

    /// <summary>What the task has printed so far, stdout and stderr in the order the manager gives them.</summary>
    public async Task<IReadOnlyList<LogChunk>> LogsAsync(string service, CancellationToken cancellationToken)
    {
        var chunks = new List<LogChunk>();
        using var stream = await docker.Swarm.GetServiceLogsAsync(service, tty: false,
            new ServiceLogsParameters { ShowStdout = true, ShowStderr = true, Follow = false }, cancellationToken);
        var buffer = new byte[81920];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                return chunks;
            }

            var target = read.Target == MultiplexedStream.TargetStream.StandardError ? OutputStream.Stderr : OutputStream.Stdout;
            chunks.Add(new LogChunk(target, buffer.AsSpan(0, read.Count).ToArray()));
        }
    }

    private async Task<TaskEnd> EndAsync(SwarmTask task)
    {
        var poll = TimeSpan.FromMilliseconds(swarm.Value.PollMilliseconds);
        TaskResponse? last = null;
        while (true)
        {
            if (task.Killed)
            {
                return new TaskEnd(new ContainerState(KilledExitCode, OomKilled: false, await NodeAsync(last)), await task.LogsAtKill.Task);
            }

            var tasks = await docker.Tasks.ListAsync(
                new TasksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [task.Name] = true } } },
                CancellationToken.None);
            var current = tasks.OrderByDescending(t => t.CreatedAt).FirstOrDefault();
            if (current is null && last is not null)
            {
                // Its service went without the runner killing it (a janitor of another runner, a person): nothing to read.
                return new TaskEnd(new ContainerState(KilledExitCode, OomKilled: false, await NodeAsync(last)), []);
            }

            last = current ?? last;
            if (current is not null && IsFinal(current.Status.State))
            {
                break;
            }

            await Task.Delay(poll);
        }

        var node = await NodeAsync(last);
        switch (last!.Status.State)
        {
            case TaskState.Rejected:
                throw new RunnerException(ErrorKind.Unavailable, $"the swarm could not run task {task.Name} on node {node}: {last.Status.Err}");
            case TaskState.Orphaned:
                throw new RunnerException(ErrorKind.Unavailable, $"node {node} left the swarm while it ran task {task.Name}");
            case TaskState.Shutdown when !task.Killed:
                // The runner did not stop it: the swarm did, its node drained or leaving.
                throw new RunnerException(ErrorKind.Unavailable, $"the swarm stopped task {task.Name} on node {node} (drained, or leaving)");
        }

        var exitCode = last.Status.State == TaskState.Complete ? 0 : last.Status.ContainerStatus?.ExitCode ?? KilledExitCode;
        var log = await LogsWithOutputAsync(task, exitCode);
        logger.TaskEnded(task.Name, task.Spec.Owner, node, exitCode);
        // A memory limit's kill is the one SIGKILL the runner did not send; Swarm does not say which it was.
        return new TaskEnd(new ContainerState(exitCode, OomKilled: exitCode == KilledExitCode, node), log);
    }

    /// <summary>The task's log without its output block, the block unpacked. Logs may trail the task's end by a moment.</summary>
    private async Task<IReadOnlyList<LogChunk>> LogsWithOutputAsync(SwarmTask task, long exitCode)
    {
        var output = task.Spec.OwnerLabel == Labels.Invocation ? task.Spec.Mounts.FirstOrDefault(m => !m.ReadOnly) : null;
        var settle = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var chunks = await LogsAsync(task.Name, CancellationToken.None);
            var stdout = chunks.Where(c => c.Stream == OutputStream.Stdout).SelectMany(c => c.Bytes).ToArray();
            if (output is not null && TaskFiles.FindOutput(stdout, task.Nonce) is { } block)
            {
                var limits = containers.Value;
                var skipped = await TaskFiles.UnpackAsync(block.Tar, output.Source, limits.MaxOutputMb * 1024L * 1024L, limits.MaxOutputFiles, CancellationToken.None);
                if (skipped.Count > 0)
                {
                    logger.TaskOutputSkipped(task.Name, task.Spec.Owner, string.Join(", ", skipped.Take(20)));
                }

                return Without(chunks, block.Start, block.End);
            }

            // The shell prints the block whatever the function's exit code; only a task that died first has none.
            if (output is null || exitCode is KilledExitCode or 125 || TimeProvider.System.GetElapsedTime(settle) > LogsSettle)
            {
                return chunks;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(swarm.Value.PollMilliseconds));
        }
    }

    /// <summary>The chunks with stdout's bytes [start, end) left out.</summary>
    private static List<LogChunk> Without(IReadOnlyList<LogChunk> chunks, int start, int end)
    {
        var kept = new List<LogChunk>(chunks.Count);
        var offset = 0;
        foreach (var chunk in chunks)
        {
            if (chunk.Stream != OutputStream.Stdout)
            {
                kept.Add(chunk);
                continue;
            }

            var (from, to) = (offset, offset + chunk.Bytes.Length);
            offset = to;
            if (to <= start || from >= end)
            {
                kept.Add(chunk);
                continue;
            }

            var before = chunk.Bytes.AsSpan(0, Math.Max(0, start - from));
            var after = chunk.Bytes.AsSpan(Math.Min(chunk.Bytes.Length, end - from));
            if (before.Length + after.Length > 0)
            {
                kept.Add(new LogChunk(OutputStream.Stdout, [.. before, .. after]));
            }
        }

        return kept;
    }

    private static bool IsFinal(TaskState state) =>
        state is TaskState.Complete or TaskState.Failed or TaskState.Shutdown or TaskState.Rejected or TaskState.Orphaned or TaskState.Remove;

    private async Task<string> NodeAsync(TaskResponse? task)
    {
        if (task?.NodeID is not { Length: > 0 } id)
        {
            return "";
        }

        if (_nodeNames.TryGetValue(id, out var name))
        {
            return name;
        }

        name = (await docker.Swarm.InspectNodeAsync(id, CancellationToken.None)).Description.Hostname;
        return _nodeNames[id] = name;
    }
}
