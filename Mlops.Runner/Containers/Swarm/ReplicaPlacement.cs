using Docker.DotNet;
using Docker.DotNet.Models;

namespace Mlops.Runner.Containers.Swarm;

/// <summary>
/// Where a new replica of an endpoint goes: the ready, active node with the fewest of that endpoint's replicas (then
/// the fewest running tasks of any kind). Swarm spreads the tasks of one service, but each replica is a service of its
/// own, so the spread across an endpoint's replicas is the runner's to ask for. A drained or lost node is never
/// chosen; its replicas, when they end, are replaced on the others.
/// </summary>
internal sealed class ReplicaPlacement(IDockerClient docker)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Chooses a node for a replica of an endpoint whose other replicas are on <paramref name="placed"/>, and records it
    /// there before the next choice (replicas of one endpoint start together).
    /// </summary>
    /// <returns>The chosen node's id; null when the swarm has no ready, active node (the swarm then says why the task waits).</returns>
    public async Task<string?> ChooseAsync(Func<IEnumerable<string>> placed, Action<string> record, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var nodes = (await docker.Swarm.ListNodesAsync(cancellationToken))
                .Where(n => n.Status.State == "ready" && n.Spec.Availability == "active")
                .Select(n => n.ID)
                .ToList();
            if (nodes.Count == 0)
            {
                return null;
            }

            var siblings = placed().ToList();
            var running = (await docker.Tasks.ListAsync(cancellationToken)).Where(t => t.DesiredState == TaskState.Running).ToList();
            var chosen = nodes
                .OrderBy(node => siblings.Count(sibling => sibling == node))
                .ThenBy(node => running.Count(t => t.NodeID == node))
                .First();
            record(chosen);
            return chosen;
        }
        finally
        {
            _gate.Release();
        }
    }
}
