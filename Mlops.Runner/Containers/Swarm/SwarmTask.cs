namespace Mlops.Runner.Containers.Swarm;

/// <summary>One function task as the runner follows it: made at create, a service from start, ended once.</summary>
internal sealed class SwarmTask(ContainerSpec spec, string image, IReadOnlyList<string> argv)
{
    private int _killed;

    public ContainerSpec Spec { get; } = spec;

    public string Name => Spec.Name;

    /// <summary>The function's image in the swarm's registry.</summary>
    public string Image { get; } = image;

    public IReadOnlyList<string> Argv { get; } = argv;

    /// <summary>Only the task's own shell knows it: its output block cannot be forged by anything printed before.</summary>
    public string Nonce { get; } = Guid.NewGuid().ToString("N");

    /// <summary>How it ended and what it printed (the output block cut out), once.</summary>
    public TaskCompletionSource<TaskEnd> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What it had printed when the runner killed it; set just before its service goes.</summary>
    public TaskCompletionSource<IReadOnlyList<LogChunk>> LogsAtKill { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The node the runner placed it on (a replica); null where the swarm chooses.</summary>
    public string? Node { get; set; }

    public bool Killed => Volatile.Read(ref _killed) == 1;

    /// <summary>True for the one caller that kills it.</summary>
    public bool MarkKilled() => Interlocked.Exchange(ref _killed, 1) == 0;
}

internal sealed record LogChunk(OutputStream Stream, byte[] Bytes);

internal sealed record TaskEnd(ContainerState State, IReadOnlyList<LogChunk> Log);

/// <summary>A task's output for the runner's log reader: nothing until the task has ended, then all of it.</summary>
internal sealed class SwarmTaskOutput(SwarmTask task) : IContainerOutput
{
    private IReadOnlyList<LogChunk>? _log;
    private int _chunk;
    private int _offset;

    public async Task<(int Count, OutputStream Stream)> ReadAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        if (_log is null)
        {
            try
            {
                _log = (await task.Ended.Task.WaitAsync(cancellationToken)).Log;
            }
            catch (RunnerException)
            {
                // The task could not run (the engine's failure reaches the runner through the wait): no output.
                _log = [];
            }
        }

        while (_chunk < _log.Count && _offset == _log[_chunk].Bytes.Length)
        {
            (_chunk, _offset) = (_chunk + 1, 0);
        }

        if (_chunk == _log.Count)
        {
            return (0, OutputStream.Stdout);
        }

        var chunk = _log[_chunk];
        var count = Math.Min(buffer.Length, chunk.Bytes.Length - _offset);
        chunk.Bytes.AsSpan(_offset, count).CopyTo(buffer);
        _offset += count;
        return (count, chunk.Stream);
    }

    public void Dispose()
    {
    }
}
