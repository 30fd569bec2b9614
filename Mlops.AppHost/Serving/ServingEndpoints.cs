using System.Collections.Concurrent;
using Mlops.V1;

namespace Mlops.AppHost.Serving;

/// <summary>
/// The endpoints as the runner last told of them, and the dashboard resource of each endpoint and replica.
/// Changed by the one watch that follows the runner (<see cref="EndpointMonitor"/>), read by commands. A resource,
/// once made, is kept: Aspire knows a resource id by its instance, and a deleted endpoint may come back.
/// </summary>
public sealed class ServingEndpoints(ResourceNotificationService notifications, EndpointCommands commands, string frontDoor)
{
    private readonly ConcurrentDictionary<string, Endpoint> _current = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServingEndpointResource> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServingReplicaResource> _replicas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _shownReplicas = new(StringComparer.Ordinal);

    /// <summary>The endpoint as last seen, for a command to change from.</summary>
    public Endpoint? Current(string name) => _current.TryGetValue(name, out var endpoint) ? endpoint : null;

    public IReadOnlyCollection<string> Names => [.. _current.Keys];

    public async Task ShowAsync(Endpoint endpoint)
    {
        _current[endpoint.Name] = endpoint;
        if (!_endpoints.TryGetValue(endpoint.Name, out var resource))
        {
            resource = _endpoints[endpoint.Name] = commands.Attach(new ServingEndpointResource(endpoint.Name));
        }

        await notifications.PublishUpdateAsync(resource, resource.ResourceId, s => EndpointSnapshots.Endpoint(s, endpoint, frontDoor));

        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var replica in endpoint.Replicas)
        {
            if (!_replicas.TryGetValue(replica.Id, out var child))
            {
                child = _replicas[replica.Id] = new ServingReplicaResource(replica.Id, resource);
            }

            await notifications.PublishUpdateAsync(child, child.ResourceId, s => EndpointSnapshots.Replica(s, replica, resource));
            if (replica.State != ReplicaState.Removed)
            {
                listed.Add(replica.Id);
            }
        }

        // A replica the endpoint no longer lists is gone (its last event may have been missed).
        foreach (var gone in _shownReplicas.GetValueOrDefault(endpoint.Name, []).Except(listed))
        {
            await HideReplicaAsync(gone);
        }

        _shownReplicas[endpoint.Name] = listed;
    }

    public async Task HideAsync(string name)
    {
        _current.TryRemove(name, out _);
        if (_endpoints.TryGetValue(name, out var resource))
        {
            await notifications.PublishUpdateAsync(resource, resource.ResourceId, s => EndpointSnapshots.Gone(s, "Deleted"));
        }

        if (_shownReplicas.Remove(name, out var shown))
        {
            foreach (var id in shown)
            {
                await HideReplicaAsync(id);
            }
        }
    }

    private async Task HideReplicaAsync(string id)
    {
        var replica = _replicas[id];
        await notifications.PublishUpdateAsync(replica, replica.ResourceId, s => EndpointSnapshots.Gone(s, "Removed"));
    }
}
