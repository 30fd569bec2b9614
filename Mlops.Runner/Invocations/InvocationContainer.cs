using System.Runtime.CompilerServices;
using Mlops.Runner.Containers;

namespace Mlops.Runner.Invocations;

/// <summary>
/// One invocation's started container: its lines, held to the output limits, then how it ended. Disposing it
/// removes the container, whatever happened before.
/// </summary>
public sealed class InvocationContainer : IAsyncDisposable
{
    private readonly FunctionContainer _container;
    private readonly LiveInvocation _live;
    private readonly Workspace _workspace;
    private readonly ContainerOptions _options;
    private readonly TimeProvider _time;
    private OutputLimits? _limits;

    internal InvocationContainer(FunctionContainer container, LiveInvocation live, Workspace workspace, ContainerOptions options, TimeProvider time)
    {
        _container = container;
        _live = live;
        _workspace = workspace;
        _options = options;
        _time = time;
    }

    public string Id => _container.Id;

    /// <summary>The function's lines until its output ends; the limits are watched from the first.</summary>
    public async IAsyncEnumerable<InvocationLog> ReadLogsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _limits = OutputLimits.Watch(_container, _workspace.Output, _options, _time);
        await foreach (var line in _limits.ReadLogsAsync(cancellationToken))
        {
            yield return new InvocationLog(line.Stream, line.Line, line.Time);
        }
    }

    /// <summary>
    /// Waits until the container ends and removes it, before the verdict, so that the completed event can say how
    /// long removal took; its exit code and timings go into the invocation's record.
    /// </summary>
    public async Task<ContainerExit> EndAsync(CancellationToken cancellationToken)
    {
        var limits = _limits ?? throw new InvalidOperationException("the container's lines are read before it is waited for");
        _limits = null;
        ContainerExit exit;
        await using (limits)
        {
            exit = await _container.WaitAsync(cancellationToken);
            if (exit.Reason == ExitReason.Exited && limits.OutputExceeded())
            {
                exit = exit with { Reason = ExitReason.OutputLimit };
            }
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
        if (_limits is { } limits)
        {
            _limits = null;
            await limits.DisposeAsync();
        }

        await _container.DisposeAsync();
    }
}
