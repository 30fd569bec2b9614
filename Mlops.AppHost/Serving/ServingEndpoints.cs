using System.Collections.Concurrent;
using Mlops.V1;

namespace Mlops.AppHost.Serving;

/// <summary>
/// The endpoints as the runner last told of them, and the dashboard resource of each endpoint and replica.
/// A resource, once made, is kept: Aspire knows a resource id by its instance, and a deleted endpoint may come back.
/// </summary>
public sealed class ServingEndpoints(ResourceNotificationService notifications, EndpointCommands commands, string frontDoor)
{
    private readonly ConcurrentDictionary<string, Endpoint> _current = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServingEndpointResource> _endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServingReplicaResource> _replicas = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> _shownReplicas = new(StringComparer.Ordinal);

    /// <summary>The endpoint as last seen, for a command to change from.</summary>
    public Endpoint? Current(string name) => _current.TryGetValue(name, out var endpoint) ? endpoint : null;

    public IReadOnlyCollection<string> Names => [.. _current.Keys];

    public async Task ShowAsync(Endpoint endpoint)
    {
        _current[endpoint.Name] = endpoint;
        var resource = _endpoints.GetOrAdd(endpoint.Name, name => commands.Attach(new ServingEndpointResource(name)));
        await notifications.PublishUpdateAsync(resource, resource.ResourceId, s => EndpointSnapshots.Endpoint(s, endpoint, frontDoor));

        var shown = _shownReplicas.GetOrAdd(endpoint.Name, _ => []);
        var listed = endpoint.Replicas.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var replica in endpoint.Replicas)
        {
            var child = _replicas.GetOrAdd(replica.Id, id => new ServingReplicaResource(id, resource));
            await notifications.PublishUpdateAsync(child, child.ResourceId, s => EndpointSnapshots.Replica(s, replica, resource));
        }

        foreach (var gone in shown.Except(listed).ToList())
        {
            var child = _replicas[gone];
            await notifications.PublishUpdateAsync(child, child.ResourceId, s => EndpointSnapshots.Gone(s, "Removed"));
        }

        lock (shown)
        {
            shown.Clear();
            shown.UnionWith(listed.Where(id => endpoint.Replicas.First(r => r.Id == id).State != ReplicaState.Removed));
        }
    }

    public async Task HideAsync(string name)
    {
        _current.TryRemove(name, out _);
        if (_endpoints.TryGetValue(name, out var resource))
        {
            await notifications.PublishUpdateAsync(resource, resource.ResourceId, s => EndpointSnapshots.Gone(s, "Deleted"));
        }

        if (_shownReplicas.TryRemove(name, out var shown))
        {
            foreach (var id in shown)
            {
                var child = _replicas[id];
                await notifications.PublishUpdateAsync(child, child.ResourceId, s => EndpointSnapshots.Gone(s, "Removed"));
            }
        }
    }
}
