using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mlops.V1;

namespace Mlops.AppHost.Serving;

/// <summary>
/// Follows the runner's endpoint watch stream (the same one the gateway routes by) and mirrors every endpoint and
/// replica into the dashboard as it changes. Starts once the runner is healthy; follows it across its restarts.
/// </summary>
public sealed class EndpointMonitor(
    string runnerName,
    RunnerApi runner,
    ServingEndpoints endpoints,
    ResourceNotificationService notifications,
    IHostApplicationLifetime lifetime,
    ILogger<EndpointMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(10);

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
                    await notifications.WaitForResourceHealthyAsync(runnerName, stoppingToken);
                    if (await FollowAsync(stoppingToken))
                    {
                        retry = FirstRetry;
                    }
                }
                catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogInformation("The runner's endpoint watch ended ({Status}: {Detail}); following it again in {Delay} ms",
                        ex.StatusCode, ex.Status.Detail, retry.TotalMilliseconds);
                }
                catch (DistributedApplicationException ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The runner is down (it is started again by itself); the dashboard keeps the endpoints as last seen.
                    logger.LogInformation("Waiting for the runner to follow its endpoints: {Reason}", ex.Message);
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

    /// <summary>Mirrors the stream until it ends; true if it got as far as the end of its first replay.</summary>
    private async Task<bool> FollowAsync(CancellationToken cancellationToken)
    {
        var replayedAll = false;
        using var watch = runner.Endpoints.WatchEndpoints(new WatchEndpointsRequest(), runner.Credentials(), cancellationToken: cancellationToken);
        var replayed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var change in watch.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (change.SnapshotDone)
            {
                // What the replay did not name was deleted while the stream was down.
                foreach (var gone in endpoints.Names.Except(replayed).ToList())
                {
                    await endpoints.HideAsync(gone);
                }

                replayedAll = true;
            }
            else if (change.Deleted)
            {
                await endpoints.HideAsync(change.Endpoint.Name);
            }
            else
            {
                if (change.Snapshot)
                {
                    replayed.Add(change.Endpoint.Name);
                }

                await endpoints.ShowAsync(change.Endpoint);
            }
        }

        return replayedAll;
    }
}
