using System.Runtime.CompilerServices;
using System.Text;
using Mlops.Runner.Containers;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Holds a running function to what it may write: what it prints, counted as it is read, and what it leaves
/// in its output folder, measured four times a second. Past either limit the container is stopped, and its exit says
/// which limit (a single file past the output limit is stopped sooner, by the container's RLIMIT_FSIZE).
/// </summary>
internal sealed class OutputLimits : IAsyncDisposable
{
    public const long Megabyte = 1024 * 1024;
    private static readonly TimeSpan MeasureEvery = TimeSpan.FromMilliseconds(250);

    private readonly FunctionContainer _container;
    private readonly ContainerOptions _options;
    private readonly string _outputDirectory;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watch;

    private OutputLimits(FunctionContainer container, string outputDirectory, ContainerOptions options, TimeProvider time)
    {
        _container = container;
        _options = options;
        _outputDirectory = outputDirectory;
        _watch = WatchAsync(time, _stop.Token);
    }

    /// <summary>Starts measuring <paramref name="outputDirectory"/> for the started <paramref name="container"/>.</summary>
    public static OutputLimits Watch(FunctionContainer container, string outputDirectory, ContainerOptions options, TimeProvider time) =>
        new(container, outputDirectory, options, time);

    /// <summary>
    /// The container's lines until its output ends; past the log limit the container is stopped and the rest of
    /// its output is read and dropped (the engine holds a container's exit until its attached output is drained).
    /// </summary>
    public async IAsyncEnumerable<ContainerLogLine> ReadLogsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var budget = _options.MaxLogMb * Megabyte;
        long printed = 0;
        await foreach (var line in _container.ReadLogsAsync(cancellationToken))
        {
            if (printed > budget)
            {
                continue;
            }

            printed += Encoding.UTF8.GetByteCount(line.Line) + 1;
            if (printed > budget)
            {
                _container.Stop(ExitReason.LogLimit);
                continue;
            }

            yield return line;
        }
    }

    /// <summary>
    /// Measures the output now, once the container has exited: a function that wrote past the limit and ended
    /// within one tick must not pass for one that kept to it.
    /// </summary>
    public bool OutputExceeded()
    {
        var (bytes, entries) = UntrustedFile.Measure(_outputDirectory, _options.MaxOutputFiles);
        return bytes > _options.MaxOutputMb * Megabyte || entries > _options.MaxOutputFiles;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        _stop.Dispose();
    }

    private async Task WatchAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(MeasureEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                bool exceeded;
                try
                {
                    exceeded = OutputExceeded();
                }
                catch (IOException)
                {
                    // A folder removed by the function while it was walked: the next tick measures again.
                    continue;
                }

                if (exceeded)
                {
                    _container.Stop(ExitReason.OutputLimit);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The container has ended: nothing more to hold it to.
        }
    }
}
