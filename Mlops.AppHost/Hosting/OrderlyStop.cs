using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// On Ctrl+C or SIGTERM, stops the app's resources front to back (NGINX, the gateway, the runner, MLflow), each with
/// SIGTERM and up to 30 s to finish, and waits until each has stopped, before Aspire tears down the rest: the
/// AppHost's exit then means nothing of it runs any more. Aspire's own teardown would otherwise still be stopping
/// processes a few seconds after the AppHost is gone, and kills one that takes more than six seconds — the runner
/// removing its replicas, say, which then outlive it.
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
            // The app's own resources (the ones it keeps running), front to back; Aspire's dashboard goes with Aspire.
            foreach (var resource in model.Resources.Where(r => r.HasAnnotationOfType<RestartOnExitAnnotation>()).Reverse())
            {
                if (!notifications.TryGetCurrentState(resource.Name, out var current) || IsStopped(current.Snapshot.State?.Text))
                {
                    continue;
                }

                using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bound.CancelAfter(StopBound);
                try
                {
                    // Asked ourselves, and given the time to finish (the runner removes its replicas and containers as it
                    // stops): Aspire's stop command would kill a process that is not gone six seconds after SIGTERM.
                    if (ProcessId(current) is { } pid && Signals.Terminate(pid))
                    {
                        await notifications.WaitForResourceAsync(resource.Name, e => IsStopped(e.Snapshot.State?.Text), bound.Token);
                        continue;
                    }

                    var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, bound.Token);
                    if (result.Success)
                    {
                        await notifications.WaitForResourceAsync(resource.Name, e => IsStopped(e.Snapshot.State?.Text), bound.Token);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    logger.LogWarning("{Resource} did not stop within {Seconds} s; Aspire stops what is left", resource.Name, StopBound.TotalSeconds);
                }
            }
        }

        /// <summary>The process of an executable resource, as the dashboard shows it.</summary>
        private static int? ProcessId(ResourceEvent current) =>
            current.Resource is ExecutableResource &&
            current.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid &&
            int.TryParse(pid.ToString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var id)
                ? id
                : null;

        private static bool IsStopped(string? state) => state is null || KnownResourceStates.TerminalStates.Contains(state) || state == KnownResourceStates.NotStarted;
    }
}
