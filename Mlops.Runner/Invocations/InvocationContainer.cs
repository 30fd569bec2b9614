using System.Diagnostics;
using System.Runtime.CompilerServices;
using Mlops.Runner.Containers;
using Mlops.Runner.Invocations.Pooling;

namespace Mlops.Runner.Invocations;

/// <summary>
/// One invocation's started container and its workspace: its lines, held to the output limits, then how it
/// ended. Disposing it removes both, whatever happened before. A pooled container ends when the function says
/// it is done (its exit comes later), and is removed in the background, off the invocation's time.
/// </summary>
public sealed class InvocationContainer : IAsyncDisposable
{
    private readonly FunctionContainer _container;
    private readonly LiveInvocation _live;
    private readonly Workspace _workspace;
    private readonly ContainerOptions _options;
    private readonly TimeProvider _time;
    private readonly Pooled? _pooled;
    private readonly long _claimed = Stopwatch.GetTimestamp();
    private OutputLimits? _limits;
    private int _disposed;

    internal InvocationContainer(FunctionContainer container, LiveInvocation live, Workspace workspace, ContainerOptions options, TimeProvider time, Pooled? pooled = null)
    {
        _container = container;
        _live = live;
        _workspace = workspace;
        _options = options;
        _time = time;
        _pooled = pooled;
    }

    public string Id => _container.Id;

    public Workspace Workspace => _workspace;

    /// <summary>The function's lines until its output ends (or, pooled, until it said it was done); the limits are watched from the first.</summary>
    public async IAsyncEnumerable<InvocationLog> ReadLogsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _limits = OutputLimits.Watch(_container, _workspace.Output, _options, _time);
        var marker = _pooled?.Marker;
        await foreach (var read in _limits.ReadLogsAsync(cancellationToken))
        {
            if ((marker is null ? read : marker.Take(read)) is { } line)
            {
                yield return new InvocationLog(line.Stream, line.Line, line.Time);
            }

            if (marker is { IsComplete: true })
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// How the container ended. A cold one is waited for and removed before the verdict, so that the completed event
    /// can say how long removal took; a pooled one that said it was done is judged by the exit code it announced.
    /// </summary>
    public async Task<ContainerExit> EndAsync(CancellationToken cancellationToken)
    {
        var limits = _limits ?? throw new InvalidOperationException("the container's lines are read before it is waited for");
        _limits = null;
        ContainerExit exit;
        await using (limits)
        {
            exit = _pooled?.Marker is { IsComplete: true, ExitCode: { } announced }
                ? new ContainerExit(ExitReason.Exited, announced)
                : await _container.WaitAsync(cancellationToken);
            if (exit.Reason == ExitReason.Exited && limits.OutputExceeded())
            {
                exit = exit with { Reason = ExitReason.OutputLimit };
            }
        }

        if (_pooled is not null)
        {
            var ran = Stopwatch.GetElapsedTime(_claimed);
            _live.Update(record => record with { ExitCode = exit.ExitCode, Phases = record.Phases with { Run = ran } });
            return exit;
        }

        await _container.DisposeAsync();
        var timings = _container.Timings;
        _live.Update(record => record with
        {
            ExitCode = exit.ExitCode,
            Phases = record.Phases with { Create = timings.Create, Start = timings.Start, Run = timings.Run, Remove = timings.Remove },
        });
        return exit;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_limits is { } limits)
        {
            _limits = null;
            await limits.DisposeAsync();
        }

        if (_pooled is { } pooled)
        {
            // Container, workspace and budget place go together, after the caller has its answer; a call that did not
            // say it was done (cancelled, failed) has its container killed now, as a cold one would be.
            pooled.Pool.Retire(pooled.Container, kill: !pooled.Marker.IsComplete);
            return;
        }

        await _container.DisposeAsync();
        _workspace.Dispose();
    }

    /// <summary>What a pooled container's invocation needs besides the container: where it goes afterwards, and its done marker.</summary>
    internal sealed record Pooled(WarmPool Pool, PooledContainer Container, DoneMarker Marker);
}
