using Mlops.Runner.Capacity;
using Mlops.Runner.Containers;

namespace Mlops.Runner.Endpoints;

/// <summary>
/// The endpoints of this runner: durable in <see cref="EndpointStore"/>, each kept by its controller. After a
/// restart every stored endpoint comes back; its old replicas were removed by the janitor at start-up and
/// new ones replace them.
/// </summary>
public sealed class EndpointManager(
    EndpointStore store,
    EndpointEvents events,
    ReplicaPlanner planner,
    IFunctionRuntime runtime,
    CapacityBudget budget,
    EndpointQuotas quotas,
    TimeProvider time,
    ILogger<EndpointController> logger) : IHostedService
{
    /// <summary>How long a put waits for replicas beyond their own start-up time.</summary>
    private static readonly TimeSpan SettleMargin = TimeSpan.FromSeconds(30);

    private readonly Lock _sync = new();
    private readonly StopOnce _stop = new();
    private readonly Dictionary<string, EndpointController> _controllers = new(StringComparer.Ordinal);

    /// <summary>One create, update or delete at a time: a key's quota is checked and its endpoint stored as one step.</summary>
    private readonly SemaphoreSlim _changing = new(1, 1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var stored in await store.ListAsync(cancellationToken))
        {
            lock (_sync)
            {
                _controllers[stored.Spec.Name] = NewController(stored);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _stop.RunAsync(StopControllersAsync);

    private async Task StopControllersAsync()
    {
        List<EndpointController> all;
        lock (_sync)
        {
            all = [.. _controllers.Values];
            _controllers.Clear();
        }

        // Replicas do not outlive the runner; the endpoints stay stored and come back with it.
        await Task.WhenAll(all.Select(c => c.DisposeAsync().AsTask()));
    }

    /// <summary>Creates or updates the endpoint as the runner itself (an admin), then waits as the other overload does.</summary>
    public Task<EndpointView> PutAsync(EndpointSpec spec, CancellationToken cancellationToken) => PutAsync(spec, Caller.Runner, cancellationToken);

    /// <summary>
    /// Creates the endpoint (owned by <paramref name="caller"/>'s key, within its quotas) or updates it (its owner or an
    /// admin only), then waits until its replicas are ready, it fails, or it waits for the machine's capacity.
    /// </summary>
    public async Task<EndpointView> PutAsync(EndpointSpec spec, Caller caller, CancellationToken cancellationToken)
    {
        // Refused before anything is stored: a function that does not serve, a model that does not exist.
        var (_, serving) = await planner.ServingFunctionAsync(spec.Function, cancellationToken);
        await planner.ResolveAsync(spec.ModelName, spec.ModelVersion, "model_version", cancellationToken);
        if (spec.CanaryModelVersion is { } canary)
        {
            await planner.ResolveAsync(spec.ModelName, canary, "canary_model_version", cancellationToken);
        }

        EndpointController controller;
        await _changing.WaitAsync(cancellationToken);
        try
        {
            lock (_sync)
            {
                if (_controllers.TryGetValue(spec.Name, out var current))
                {
                    EndpointAccess.EnsureMayChange(caller, spec.Name, current.Owner);
                }

                quotas.EnsureRoom(caller, spec, _controllers.Values.Select(c => (c.Spec, c.Owner)));
            }

            var stored = await store.PutAsync(spec, caller.KeyId, time.GetUtcNow(), cancellationToken);
            lock (_sync)
            {
                if (_controllers.TryGetValue(spec.Name, out var existing))
                {
                    existing.Update(stored);
                    controller = existing;
                }
                else
                {
                    controller = _controllers[spec.Name] = NewController(stored);
                }
            }
        }
        finally
        {
            _changing.Release();
        }

        Publish(controller, null);
        await SettledAsync(controller, serving.Startup + SettleMargin, cancellationToken);
        return controller.View;
    }

    /// <summary>
    /// Returns once the endpoint is ready or failed, or after <paramref name="limit"/> (the view then says how far
    /// it got). Every change that can settle it is published, so each published change is a moment to look.
    /// </summary>
    private async Task SettledAsync(EndpointController controller, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var settling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        settling.CancelAfter(limit);
        while (true)
        {
            try
            {
                // The first event is the end of an empty snapshot: a look right after subscribing.
                await foreach (var _ in events.WatchAsync(() => [], settling.Token))
                {
                    if (controller.IsSettled)
                    {
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Not settled within the limit.
                return;
            }
            catch (WatchOverflowException)
            {
                // Fell behind a burst of changes: look again from now.
            }
        }
    }

    public EndpointView Get(string? name) => Controller(name).View;

    public IReadOnlyList<EndpointView> List()
    {
        lock (_sync)
        {
            return _controllers.Values.OrderBy(c => c.Spec.Name, StringComparer.Ordinal).Select(c => c.View).ToList();
        }
    }

    public Task DeleteAsync(string? name, CancellationToken cancellationToken) => DeleteAsync(name, Caller.Runner, cancellationToken);

    /// <summary>Deletes the endpoint and removes its replicas; only its owner's key or an admin may.</summary>
    public async Task DeleteAsync(string? name, Caller caller, CancellationToken cancellationToken)
    {
        EndpointController controller;
        await _changing.WaitAsync(cancellationToken);
        try
        {
            controller = Controller(name);
            EndpointAccess.EnsureMayChange(caller, controller.Spec.Name, controller.Owner);
            lock (_sync)
            {
                _controllers.Remove(controller.Spec.Name);
            }

            await store.DeleteAsync(controller.Spec.Name, cancellationToken);
        }
        finally
        {
            _changing.Release();
        }

        await controller.DisposeAsync();
        events.Publish(new EndpointEvent(controller.View, Deleted: true, ReplicaId: null, Snapshot: false));
    }

    public void Report(IEnumerable<EndpointLoad> loads)
    {
        foreach (var load in loads)
        {
            EndpointController? controller;
            lock (_sync)
            {
                _controllers.TryGetValue(load.Name, out controller);
            }

            controller?.Report(load);
        }
    }

    public IAsyncEnumerable<EndpointEvent> WatchAsync(CancellationToken cancellationToken) => events.WatchAsync(List, cancellationToken);

    /// <summary>Events a watcher may leave unread before its watch is ended.</summary>
    public int WatchBacklog => events.Backlog;

    private EndpointController Controller(string? name)
    {
        lock (_sync)
        {
            return name is not null && _controllers.TryGetValue(name, out var controller)
                ? controller
                : throw RunnerException.NotFound($"there is no endpoint '{name}'");
        }
    }

    private EndpointController NewController(EndpointStore.Stored stored) => new(stored, planner, runtime, budget, logger, Publish);

    private void Publish(EndpointController controller, string? replicaId)
    {
        lock (_sync)
        {
            // A controller already deleted publishes nothing more (its replicas' removal included).
            if (!_controllers.TryGetValue(controller.Spec.Name, out var current) || current != controller)
            {
                return;
            }
        }

        events.Publish(new EndpointEvent(controller.View, Deleted: false, replicaId, Snapshot: false));
    }
}
