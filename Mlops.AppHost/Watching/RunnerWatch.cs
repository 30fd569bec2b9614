using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mlops.AppHost.Watching;

/// <summary>
/// Follows one of the runner's watch streams for as long as the app runs and mirrors it into the dashboard: starts
/// once the runner is healthy (<paramref name="runnerHealthy"/> answers then), follows it again (with a growing
/// pause) when the stream ends or the runner restarts, and lets go as soon as the app begins to stop. What it
/// mirrors is the subclass's.
/// </summary>
public abstract class RunnerWatch(Func<CancellationToken, Task> runnerHealthy, IHostApplicationLifetime lifetime, ILogger logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(10);

    /// <summary>Waits until Aspire finds the runner healthy (it throws while the runner is down).</summary>
    public static Func<CancellationToken, Task> Healthy(ResourceNotificationService notifications, string runnerName) =>
        cancellationToken => notifications.WaitForResourceHealthyAsync(runnerName, cancellationToken);

    /// <summary>What the stream is about, for the logs ("endpoints", "pipeline runs").</summary>
    protected abstract string Subject { get; }

    /// <summary>Mirrors the stream until it ends; true if it got as far as the end of its first replay.</summary>
    protected abstract Task<bool> FollowAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken serviceStopping)
    {
        // Not after the app begins to stop: the runner is stopped first, and a watch held open would delay it.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(serviceStopping, lifetime.ApplicationStopping);
        var stoppingToken = stopping.Token;
        var retry = FirstRetry;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await runnerHealthy(stoppingToken);
                    if (await FollowAsync(stoppingToken))
                    {
                        retry = FirstRetry;
                    }
                }
                catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
                {
                    WatchLog.WatchEnded(logger, Subject, ex.StatusCode, ex.Status.Detail, retry.TotalMilliseconds);
                }
                catch (DistributedApplicationException ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The runner is down (it is started again by itself); the dashboard keeps what it showed as last seen.
                    WatchLog.RunnerDown(logger, Subject, ex.Message);
                }

                await Task.Delay(retry, stoppingToken);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
        }
        catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            // The app is stopping.
        }
    }
}
