using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Mlops.AppHost.Pipelines;
using Mlops.AppHost.Watching;

namespace Mlops.AppHost.Tests;

/// <summary>
/// Aspire's own resource notifications (what the dashboard shows), without a dashboard or an app: what the
/// pipeline runs publish is read back from it. The runner API points at a closed port with a key file of its own.
/// </summary>
internal sealed class Dashboard : IDisposable
{
    public const string FrontDoor = "http://127.0.0.1:8080";

    private readonly string _keyFile = Path.GetTempFileName();

    public Dashboard()
    {
        File.WriteAllText(_keyFile, "mlops_test");
        Services = new ServiceCollection().BuildServiceProvider();
        Notifications = new ResourceNotificationService(NullLogger<ResourceNotificationService>.Instance, Lifetime, Services, new ResourceLoggerService());
        Runner = new RunnerApi(() => new Uri("http://127.0.0.1:1"), _keyFile);
        Runs = new PipelineRuns(Notifications, new PipelineRunCommands(Runner), FrontDoor, NullLogger<PipelineRuns>.Instance);
    }

    public AppLifetime Lifetime { get; } = new();

    public ServiceProvider Services { get; }

    public ResourceNotificationService Notifications { get; }

    public RunnerApi Runner { get; }

    public PipelineRuns Runs { get; }

    public CustomResourceSnapshot? Snapshot(string resourceName) =>
        Notifications.TryGetCurrentState(resourceName, out var state) ? state.Snapshot : null;

    /// <summary>The resource's snapshot once it matches, within a bound.</summary>
    public async Task<CustomResourceSnapshot> WaitForAsync(string resourceName, Func<CustomResourceSnapshot, bool> predicate)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var state = await Notifications.WaitForResourceAsync(resourceName, e => predicate(e.Snapshot), bound.Token);
        return state.Snapshot;
    }

    public void Dispose()
    {
        Lifetime.StopApplication();
        Notifications.Dispose();
        Runner.Dispose();
        Services.Dispose();
        File.Delete(_keyFile);
    }

    internal sealed class AppLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }
}
