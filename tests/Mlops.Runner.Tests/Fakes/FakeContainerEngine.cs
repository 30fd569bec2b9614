using System.Text;
using System.Threading.Channels;
using Mlops.Runner.Containers;

namespace Mlops.Runner.Tests.Fakes;

/// <summary>
/// An engine in memory, scripted per test: what a container writes and how it ends, and how often the
/// engine refuses a kill or a removal. It counts what was asked of it, so teardown can be checked.
/// </summary>
internal sealed class FakeContainerEngine : IContainerEngine
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Container> _containers = new(StringComparer.Ordinal);
    private int _created;

    public string Address => "fake://engine";

    /// <summary>Runs as the container starts, with its spec: writes what the function leaves in its output, say.</summary>
    public Action<ContainerSpec>? OnStart { get; set; }

    public List<(OutputStream Stream, string Text)> Output { get; } = [];

    public long ExitCode { get; set; }

    public bool OomKilled { get; set; }

    /// <summary>The container never exits on its own: only a kill or a forced removal ends it.</summary>
    public bool RunsUntilKilled { get; set; }

    /// <summary>The engine cannot be reached: asking its version fails so.</summary>
    public Exception? VersionFailure { get; set; }

    public Exception? CreateFailure { get; set; }

    public Exception? StartFailure { get; set; }

    public int KillFailures { get; set; }

    public int RemoveFailures { get; set; }

    public int Created => _created;

    public int KillAttempts { get; private set; }

    public int Kills { get; private set; }

    public int RemoveAttempts { get; private set; }

    public int Removals { get; private set; }

    public ContainerSpec? LastSpec { get; private set; }

    /// <summary>Containers that exist on the engine now.</summary>
    public IReadOnlyList<string> Existing
    {
        get { lock (_sync) { return _containers.Keys.ToList(); } }
    }

    public Task<EngineVersion> VersionAsync(CancellationToken cancellationToken) =>
        VersionFailure is { } failure ? Task.FromException<EngineVersion>(failure) : Task.FromResult(new EngineVersion("fake 1.0", "1.41"));

    public Task<string> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        if (CreateFailure is { } failure)
        {
            throw failure;
        }

        var id = $"c{Interlocked.Increment(ref _created)}";
        lock (_sync)
        {
            _containers[id] = new Container(spec);
        }

        LastSpec = spec;
        return Task.FromResult(id);
    }

    /// <summary>Every container still running exits now with <paramref name="code"/>, as if its function finished.</summary>
    public void FinishAll(long code)
    {
        List<Container> running;
        lock (_sync)
        {
            running = _containers.Values.ToList();
        }

        running.ForEach(c => c.Exit(code, oomKilled: false));
    }

    /// <summary>A container made outside any runtime, as a crashed runner leaves one.</summary>
    public string Leave(string owner)
    {
        var id = $"left-{owner}";
        lock (_sync)
        {
            _containers[id] = new Container(new ContainerSpec("f", owner, "image", [], 64, 1, new Dictionary<string, string>()));
        }

        return id;
    }

    public Task<IContainerOutput> AttachAsync(string id, CancellationToken cancellationToken) => Task.FromResult<IContainerOutput>(Get(id).Output);

    public Task StartAsync(string id, CancellationToken cancellationToken)
    {
        if (StartFailure is { } failure)
        {
            throw failure;
        }

        var container = Get(id);
        OnStart?.Invoke(container.Spec);
        foreach (var (stream, text) in Output)
        {
            container.Output.Write(stream, text);
        }

        if (!RunsUntilKilled)
        {
            container.Exit(ExitCode, OomKilled);
        }

        return Task.CompletedTask;
    }

    public async Task<ContainerState> WaitAsync(string id, CancellationToken cancellationToken) =>
        await Get(id).Exited.Task.WaitAsync(cancellationToken);

    public Task KillAsync(string id, CancellationToken cancellationToken)
    {
        KillAttempts++;
        if (KillFailures > 0)
        {
            KillFailures--;
            throw new RunnerException(ErrorKind.Unavailable, $"the Docker engine at {Address} answered 500: tried to kill container, but did not receive an exit event");
        }

        Kills++;
        Get(id).Exit(137, oomKilled: false);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string nameOrId, CancellationToken cancellationToken)
    {
        RemoveAttempts++;
        if (RemoveFailures > 0)
        {
            RemoveFailures--;
            throw new RunnerException(ErrorKind.Unavailable, $"the Docker engine at {Address} answered 500: removal of container {nameOrId} is already in progress");
        }

        Container? removed;
        lock (_sync)
        {
            var id = _containers.ContainsKey(nameOrId) ? nameOrId : _containers.FirstOrDefault(c => c.Value.Spec.Name == nameOrId).Key;
            _containers.Remove(id ?? "", out removed);
        }

        removed?.Exit(137, oomKilled: false);
        Removals += removed is null ? 0 : 1;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LabelledContainer>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyList<LabelledContainer>>(_containers.Select(c => new LabelledContainer(c.Key, c.Value.Spec.Owner)).ToList());
        }
    }

    private Container Get(string id)
    {
        lock (_sync)
        {
            return _containers[id];
        }
    }

    private sealed class Container(ContainerSpec spec)
    {
        public ContainerSpec Spec { get; } = spec;

        public FakeOutput Output { get; } = new();

        public TaskCompletionSource<ContainerState> Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Exit(long code, bool oomKilled)
        {
            if (Exited.TrySetResult(new ContainerState(code, oomKilled)))
            {
                Output.End();
            }
        }
    }

    private sealed class FakeOutput : IContainerOutput
    {
        private readonly Channel<(OutputStream Stream, byte[] Bytes)> _chunks = Channel.CreateUnbounded<(OutputStream, byte[])>();

        public void Write(OutputStream stream, string text) => _chunks.Writer.TryWrite((stream, Encoding.UTF8.GetBytes(text)));

        public void End() => _chunks.Writer.TryComplete();

        public async Task<(int Count, OutputStream Stream)> ReadAsync(byte[] buffer, CancellationToken cancellationToken)
        {
            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken) || !_chunks.Reader.TryRead(out var chunk))
            {
                return (0, OutputStream.Stdout);
            }

            chunk.Bytes.CopyTo(buffer, 0);
            return (chunk.Bytes.Length, chunk.Stream);
        }

        public void Dispose() => End();
    }
}
