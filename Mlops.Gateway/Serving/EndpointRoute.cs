namespace Mlops.Gateway.Serving;

/// <summary>One endpoint's routing table: its ready replicas per track (primary, canary) and the canary's share.</summary>
public sealed class EndpointRoute(string name, string modelName, int canaryPercent, bool ready, IReadOnlyList<ReplicaConnection> replicas)
{
    public string Name { get; } = name;

    public string ModelName { get; } = modelName;

    public int CanaryPercent { get; } = canaryPercent;

    public bool Ready { get; } = ready;

    public IReadOnlyList<ReplicaConnection> Replicas { get; } = replicas;

    /// <summary>
    /// A replica for the next request: the track by the canary's share, then the one with the fewest
    /// requests in flight (among equals, from a random start, so that ties spread).
    /// </summary>
    public ReplicaConnection? Pick()
    {
        var canary = CanaryPercent > 0 && Random.Shared.Next(100) < CanaryPercent;
        return Least(canary) ?? Least(!canary);
    }

    private ReplicaConnection? Least(bool canary)
    {
        ReplicaConnection? best = null;
        var count = Replicas.Count;
        var start = count == 0 ? 0 : Random.Shared.Next(count);
        for (var i = 0; i < count; i++)
        {
            var replica = Replicas[(start + i) % count];
            if (replica.Canary == canary && replica.Accepting && (best is null || replica.InFlight < best.InFlight))
            {
                best = replica;
            }
        }

        return best;
    }
}
