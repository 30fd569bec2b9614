using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mlops.AppHost.Watching;
using Mlops.V1;

namespace Mlops.AppHost.Pipelines;

/// <summary>
/// Follows the runner's pipeline run watch (WatchPipelineRuns: first the runs not ended and the recent ended ones,
/// then each run again as it changes) and mirrors every run into the dashboard. Starts once the runner is healthy;
/// follows it across its restarts, when the runner replays its runs again.
/// </summary>
public sealed class PipelineRunMonitor(
    Func<CancellationToken, Task> runnerHealthy,
    Func<CancellationToken, IAsyncEnumerable<PipelineRun>> watch,
    PipelineRuns runs,
    IHostApplicationLifetime lifetime,
    ILogger<PipelineRunMonitor> logger) : RunnerWatch(runnerHealthy, lifetime, logger)
{
    protected override string Subject => "pipeline runs";

    protected override async Task<bool> FollowAsync(CancellationToken cancellationToken)
    {
        await foreach (var run in watch(cancellationToken).WithCancellation(cancellationToken))
        {
            await runs.ShowAsync(run);
        }

        // The stream has no end of its replay: one that ended without an error was followed as far as it went.
        return true;
    }
}
