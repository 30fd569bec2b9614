using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mlops.AppHost.Watching;
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
    ILogger<EndpointMonitor> logger) : RunnerWatch(Healthy(notifications, runnerName), lifetime, logger)
{
    protected override string Subject => "endpoints";

    protected override async Task<bool> FollowAsync(CancellationToken cancellationToken)
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
