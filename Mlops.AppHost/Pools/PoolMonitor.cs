using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mlops.AppHost.Watching;
using Mlops.V1;

namespace Mlops.AppHost.Pools;

/// <summary>
/// Mirrors each function's warm pool into the dashboard from the runner's status, every 2 s once the runner is
/// healthy (the runner has no watch stream for pools: their sizes change on every call, and a poll bounds the
/// traffic). A resource, once made, is kept; a pool the runner stops reporting is shown as idle.
/// </summary>
public sealed class PoolMonitor(
    string runnerName,
    RunnerApi runner,
    ResourceNotificationService notifications,
    IHostApplicationLifetime lifetime,
    ILogger<PoolMonitor> logger) : RunnerWatch(Healthy(notifications, runnerName), lifetime, logger)
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, FunctionPoolResource> _pools = new(StringComparer.Ordinal);
    private readonly HashSet<string> _shown = new(StringComparer.Ordinal);

    protected override string Subject => "warm pools";

    protected override async Task<bool> FollowAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            var status = await runner.Runner.GetStatusAsync(new GetStatusRequest(), runner.Credentials(), cancellationToken: cancellationToken);
            await ShowAsync(status.Functions.Where(f => f.Pool is not null).ToDictionary(f => f.Name, f => f.Pool, StringComparer.Ordinal));
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));

        return true;
    }

    private async Task ShowAsync(Dictionary<string, PoolStatus> pools)
    {
        foreach (var (function, pool) in pools)
        {
            if (!_pools.TryGetValue(function, out var resource))
            {
                resource = _pools[function] = new FunctionPoolResource(function);
            }

            await notifications.PublishUpdateAsync(resource, resource.ResourceId, s => PoolSnapshots.Pool(s, function, pool));
            _shown.Add(function);
        }

        foreach (var function in _shown.Except(pools.Keys).ToList())
        {
            var resource = _pools[function];
            await notifications.PublishUpdateAsync(resource, resource.ResourceId, PoolSnapshots.Emptied);
            _shown.Remove(function);
        }
    }
}
