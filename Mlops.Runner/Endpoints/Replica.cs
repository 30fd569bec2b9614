using System.Diagnostics;
using Mlops.Runner.Capacity;
using Mlops.Runner.Containers;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Registry;
using Mlops.ServiceDefaults.Replicas;

namespace Mlops.Runner.Endpoints;

/// <summary>
/// One warm replica of an endpoint: a hardened container of the serving function with the model mounted
/// read-only, reached over a unix socket in its run folder. It starts, becomes ready when its /health
/// answers, and ends when it is drained and removed, or when its container dies (then it says why).
/// </summary>
public sealed class Replica : IAsyncDisposable
{
    private const int TailLines = 20;

    /// <summary>How long a replica that exited may take to finish printing, before its last words are read.</summary>
    private static readonly TimeSpan LastWordsWait = TimeSpan.FromSeconds(2);

    private readonly ReplicaPlan _plan;
    private readonly IFunctionRuntime _runtime;
    private readonly CapacityBudget.Reservation _reservation;
    private readonly ILogger _logger;
    private readonly Action<Replica> _changed;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Queue<string> _tail = new();
    private readonly Lock _sync = new();
    private Task? _run;
    private FunctionContainer? _container;
    private RunFolder? _folder;

    /// <param name="reservation">Its place in the machine's budget, given back once its container is removed.</param>
    public Replica(ReplicaPlan plan, IFunctionRuntime runtime, CapacityBudget.Reservation reservation, ILogger logger, Action<Replica> changed)
    {
        _plan = plan;
        _runtime = runtime;
        _reservation = reservation;
        _logger = logger;
        _changed = changed;
        Id = Guid.NewGuid().ToString("N")[..12];
    }

    public string Id { get; }

    public ReplicaPlan Plan => _plan;

    public ReplicaState State { get; private set; } = ReplicaState.Starting;

    public string? Reason { get; private set; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>When draining began; null while it takes traffic.</summary>
    public long? DrainingSince { get; private set; }

    public bool IsLive => State is ReplicaState.Starting or ReplicaState.Ready;

    public ReplicaView View => new(Id, State, _plan.Version.Version, Address ?? "", _plan.Canary, _container?.Id, StartedAt, Reason,
        Concurrency: _plan.Serving.Concurrency);

    /// <summary>Where it is reached: what the engine says, or the unix socket in its run folder.</summary>
    private string? Address => _container?.ServingAddress ?? (_folder is null ? null : ReplicaAddress.ForUnixSocket(_folder.SocketPath));

    public void Start() => _run = RunAsync(_stopping.Token);

    /// <summary>Takes no new traffic from now on; removed once the data plane says nothing is in flight.</summary>
    public void Drain()
    {
        if (IsLive)
        {
            DrainingSince = Stopwatch.GetTimestamp();
            Set(ReplicaState.Draining, null);
        }
    }

    /// <summary>
    /// The data plane cut it off (a prediction hung, an answer flooded): it fails, so that it is removed and
    /// replaced, even while its /health still answers.
    /// </summary>
    public void Cut(string reason)
    {
        if (State == ReplicaState.Ready)
        {
            Fail(reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_run is not null)
        {
            await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Its container is gone (the run removes it before it ends): its place is free for another.
        _reservation.Dispose();

        if (State != ReplicaState.Failed)
        {
            Set(ReplicaState.Removed, Reason);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var span = RunnerTelemetry.Source.StartActivity("replica start");
        span?.SetTag(RunnerTelemetry.FaasName, _plan.Function.Name);
        span?.SetTag(RunnerTelemetry.ReplicaId, Id);
        span?.SetTag(RunnerTelemetry.EndpointName, _plan.Endpoint);
        try
        {
            using var folder = RunFolder.Create(_plan.RunRoot, Id, _plan.User);
            _folder = folder;
            await using var container = await _runtime.CreateAsync(_plan.SpecFor(Id, folder), cancellationToken);
            _container = container;
            await container.StartAsync(timeout: null, cancellationToken);
            var logs = KeepTailAsync(container, cancellationToken);
            try
            {
                await WaitHealthyAsync(container, folder, logs, cancellationToken);
                span?.Dispose();
                Set(ReplicaState.Ready, null);
                var exit = await container.WaitAsync(cancellationToken);
                await logs.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                Fail($"the replica exited with code {exit.ExitCode?.ToString() ?? "-"}{(exit.Reason == ExitReason.OomKilled ? " (out of memory)" : "")}: {LastLine()}");
            }
            finally
            {
                await container.DisposeAsync();
                await logs.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Drained or deleted: the normal end.
        }
        catch (RunnerException ex)
        {
            span?.RecordError(ex.Kind.ToString(), ex);
            Fail(ex.Message);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Anything else (the engine gone, a disk error) fails the replica too, so that it is replaced;
            // otherwise it would stay Starting, without a container, for ever.
            span?.RecordError(ex.GetType().Name, ex);
            Fail(Bounded.Text(ex.Message));
        }
    }

    private async Task WaitHealthyAsync(FunctionContainer container, RunFolder folder, Task logs, CancellationToken cancellationToken)
    {
        var address = container.ServingAddress ?? ReplicaAddress.ForUnixSocket(folder.SocketPath);
        using var http = new HttpClient(ReplicaAddress.CreateHandler(address, maxConnections: 1))
        {
            BaseAddress = ReplicaAddress.BaseUri(address),
            Timeout = TimeSpan.FromSeconds(2),
        };
        var exited = container.WaitAsync(cancellationToken);
        var deadline = Stopwatch.GetTimestamp() + (long)(_plan.Startup.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (exited.IsCompleted)
            {
                var exit = await exited;
                // Its last words may still be on their way (a stack trace is many lines): a moment for them.
                await logs.WaitAsync(LastWordsWait, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw RunnerException.FailedPrecondition($"the replica exited with code {exit.ExitCode?.ToString() ?? "-"} before it was ready: {LastLine()}");
            }

            // A socket shows up in the run folder; a replica on a network can only be asked.
            if (container.ServingAddress is not null || File.Exists(folder.SocketPath))
            {
                try
                {
                    using var response = await http.GetAsync("health", cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // Listening soon (or too slow to answer this probe: the next one may).
                }
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new RunnerException(ErrorKind.DeadlineExceeded, $"the replica was not healthy within {_plan.Startup.TotalSeconds:0} s: {LastLine()}");
    }

    private async Task KeepTailAsync(FunctionContainer container, CancellationToken cancellationToken)
    {
        await foreach (var line in container.ReadLogsAsync(cancellationToken))
        {
            _logger.ReplicaOutput(Id, line.Line);
            lock (_sync)
            {
                _tail.Enqueue(line.Line);
                while (_tail.Count > TailLines)
                {
                    _tail.Dequeue();
                }
            }
        }
    }

    /// <summary>
    /// What its output says went wrong: its last line, or, when the output ends in a stack trace, the exception's
    /// message (not the stack's last frame).
    /// </summary>
    private string LastLine()
    {
        lock (_sync)
        {
            return LastWords.Of(_tail);
        }
    }

    private void Fail(string reason)
    {
        if (!_stopping.IsCancellationRequested)
        {
            Set(ReplicaState.Failed, reason);
        }
    }

    private void Set(ReplicaState state, string? reason)
    {
        lock (_sync)
        {
            // A replica drained while it started stays drained when its health check then passes.
            if (state == ReplicaState.Ready && State != ReplicaState.Starting)
            {
                return;
            }

            (State, Reason) = (state, reason);
        }

        _changed(this);
    }
}
