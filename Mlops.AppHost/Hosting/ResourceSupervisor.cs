using System.Diagnostics;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// Keeps one started resource running, as compose's <c>restart: unless-stopped</c> does: when its process
/// (or container) exits while the app is not stopping, it is started again after a backoff, for as long as that takes.
/// What depends on it keeps running meanwhile.
/// </summary>
internal sealed class ResourceSupervisor(Resource resource, IResourceInstance instance, ResourceLauncher launcher, RestartBackoff backoff)
{
    public Resource Resource => resource;

    /// <summary>Its latest process or container, for the app to stop when it stops (it may be gone already).</summary>
    public IResourceInstance Instance { get; private set; } = instance;

    /// <summary>Returns once <paramref name="stopping"/> is cancelled; stopping <see cref="Instance"/> is left to the app.</summary>
    public async Task SuperviseAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                var upSince = Stopwatch.GetTimestamp();
                await Instance.WaitForExitAsync(stopping);
                resource.State = ResourceState.Restarting;
                resource.Health = "unknown";
                resource.Cleanup();
                var delay = backoff.Next(Stopwatch.GetElapsedTime(upSince));
                Instance.Report($"{resource.Name} exited with code {Instance.ExitCode}; restarting it in {When(delay)}");
                await RestartAsync(delay, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The app is stopping, and stops the latest process itself.
        }
    }

    /// <summary>Tries until a new process is healthy, waiting longer after each try that fails.</summary>
    private async Task RestartAsync(TimeSpan delay, CancellationToken stopping)
    {
        while (true)
        {
            await Task.Delay(delay, stopping);
            // A wait that ended just as the app began to stop must not start a process.
            stopping.ThrowIfCancellationRequested();
            try
            {
                // The dead process's port may not be free yet: a failed try like any other.
                var dead = Instance;
                Instance = await launcher.StartAsync(resource, stopping);
                dead.Dispose();
                resource.Restarts++;
                Console.WriteLine($"apphost  | restarting {resource.Name} (restart {resource.Restarts})");
                await launcher.WaitHealthyAsync(resource, Instance, stopping);
                return;
            }
            catch (StartException ex)
            {
                resource.State = ResourceState.Restarting;
                delay = backoff.Next(TimeSpan.Zero);
                Console.Error.WriteLine($"apphost  | {ex.Message}; trying again in {When(delay)}");
            }
        }
    }

    private static string When(TimeSpan delay) => $"{delay.TotalSeconds:0.#} s (at {DateTime.Now + delay:HH:mm:ss})";
}
