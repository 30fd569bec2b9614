using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// On Ctrl+C or SIGTERM, stops the app's resources front to back (NGINX, the gateway, the runner, MLflow) and waits
/// until each has stopped, before Aspire tears down the rest: the AppHost's exit then means nothing of it runs any
/// more. Aspire's own teardown would otherwise still be stopping processes a few seconds after the AppHost is gone.
/// </summary>
public static class OrderlyStop
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    public static IDistributedApplicationBuilder StopsInOrder(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            // Registered after Aspire's own services, so stopped before them (hosts stop in reverse order).
            builder.Services.AddHostedService<Stopper>();
        }

        return builder;
    }

    private sealed class Stopper(DistributedApplicationModel model, ResourceCommandService commands, ResourceNotificationService notifications, ILogger<Stopper> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            foreach (var resource in model.Resources.Where(r => r is ExecutableResource or ContainerResource).Reverse())
            {
                if (!notifications.TryGetCurrentState(resource.Name, out var current) || IsStopped(current.Snapshot.State?.Text))
                {
                    continue;
                }

                using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bound.CancelAfter(StopBound);
                try
                {
                    var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, bound.Token);
                    if (!result.Success)
                    {
                        logger.LogWarning("Stopping {Resource} failed: {Reason}", resource.Name, result.Message);
                        continue;
                    }

                    await notifications.WaitForResourceAsync(resource.Name, e => IsStopped(e.Snapshot.State?.Text), bound.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    logger.LogWarning("{Resource} did not stop within {Seconds} s; Aspire stops what is left", resource.Name, StopBound.TotalSeconds);
                }
            }
        }

        private static bool IsStopped(string? state) => state is null || KnownResourceStates.TerminalStates.Contains(state) || state == KnownResourceStates.NotStarted;
    }
}
