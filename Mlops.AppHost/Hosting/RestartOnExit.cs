using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mlops.AppHost.Hosting;

/// <summary>A resource that is started again when it exits by itself (not when someone stops it), as compose's <c>restart: unless-stopped</c>.</summary>
public sealed class RestartOnExitAnnotation : IResourceAnnotation;

public static class RestartOnExit
{
    /// <summary>
    /// Aspire starts each resource once; the platform's services come back by themselves, after a backoff of 1 s
    /// doubling to 30 s (a minute up forgives what came before). A stop from the dashboard is left stopped.
    /// </summary>
    public static IResourceBuilder<T> RestartsWhenItExits<T>(this IResourceBuilder<T> resource)
        where T : IResource
    {
        resource.ApplicationBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ResourceRestarter>());
        return resource.WithAnnotation(new RestartOnExitAnnotation());
    }

    /// <summary>
    /// Watches every such resource's state: once it has run, an end that did not come through Stopping is a death
    /// (or a restart that failed), and it is started again.
    /// </summary>
    private sealed class ResourceRestarter(
        ResourceNotificationService notifications,
        ResourceCommandService commands,
        ResourceLoggerService logs,
        DistributedApplicationExecutionContext execution,
        IHostApplicationLifetime lifetime,
        ILogger<ResourceRestarter> logger) : BackgroundService
    {
        private readonly Dictionary<string, (string? State, long Since)> _last = [];
        private readonly Dictionary<string, RestartBackoff> _backoffs = [];
        private readonly HashSet<string> _ran = [];

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (!execution.IsRunMode)
            {
                return;
            }

            try
            {
                await foreach (var change in notifications.WatchAsync(stoppingToken))
                {
                    if (!change.Resource.HasAnnotationOfType<RestartOnExitAnnotation>())
                    {
                        continue;
                    }

                    var state = change.Snapshot.State?.Text;
                    var (previous, since) = _last.GetValueOrDefault(change.ResourceId);
                    if (state == previous)
                    {
                        continue;
                    }

                    _last[change.ResourceId] = (state, Stopwatch.GetTimestamp());
                    if (state == KnownResourceStates.Running)
                    {
                        _ran.Add(change.ResourceId);
                    }
                    else if (_ran.Contains(change.ResourceId) && previous != KnownResourceStates.Stopping && !lifetime.ApplicationStopping.IsCancellationRequested &&
                             state is not null && KnownResourceStates.TerminalStates.Contains(state))
                    {
                        var backoff = _backoffs.TryGetValue(change.ResourceId, out var known) ? known : _backoffs[change.ResourceId] = RestartBackoff.Default();
                        var delay = backoff.Next(previous == KnownResourceStates.Running ? Stopwatch.GetElapsedTime(since) : TimeSpan.Zero);
                        _ = RestartAsync(change.Resource, change.ResourceId, change.Snapshot.ExitCode, delay, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The app is stopping: nothing is started again.
            }
        }

        private async Task RestartAsync(IResource resource, string resourceId, int? exitCode, TimeSpan delay, CancellationToken stoppingToken)
        {
            var log = logs.GetLogger(resourceId);
            // In its console (the dashboard) and in the AppHost's.
            log.LogWarning("{Resource} exited with code {ExitCode}; restarting it in {Seconds:0.#} s", resource.Name, exitCode, delay.TotalSeconds);
            logger.LogWarning("{Resource} exited with code {ExitCode}; restarting it in {Seconds:0.#} s", resource.Name, exitCode, delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, stoppingToken);
                if (lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    return;
                }

                var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, stoppingToken);
                if (!result.Success)
                {
                    logger.LogError("Restarting {Resource} failed: {Error}", resource.Name, result.Message);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping while waiting: it stays down with everything else.
            }
        }
    }
}
