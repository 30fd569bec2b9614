namespace Mlops.Gateway.Serving;

/// <summary>One endpoint's routing table: its ready replicas per track (primary, canary) and the canary's share.</summary>
public sealed class ReplicaTable(string name, string modelName, int canaryPercent, bool ready, IReadOnlyList<ReplicaConnection> replicas)
{
    public string Name { get; } = name;

    public string ModelName { get; } = modelName;

    public int CanaryPercent { get; } = canaryPercent;

    public bool Ready { get; } = ready;

    public IReadOnlyList<ReplicaConnection> Replicas { get; } = replicas;

    /// <summary>
    /// A replica for the next request, its slot taken: the track by the canary's share, then the one with the
    /// fewest requests in flight (among equals, from a random start, so that ties spread); null when every
    /// replica is at its concurrency.
    /// </summary>
    public ReplicaConnection? TryTake()
    {
        var canary = CanaryPercent > 0 && Random.Shared.Next(100) < CanaryPercent;
        // A slot taken between the look and the take: look again (a few times; then wait like the rest).
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var replica = Least(canary) ?? Least(!canary);
            if (replica is null)
            {
                return null;
            }

            if (replica.TryEnter())
            {
                return replica;
            }
        }

        return null;
    }

    private ReplicaConnection? Least(bool canary)
    {
        ReplicaConnection? best = null;
        var count = Replicas.Count;
        var start = count == 0 ? 0 : Random.Shared.Next(count);
        for (var i = 0; i < count; i++)
        {
            var replica = Replicas[(start + i) % count];
            if (replica.Canary == canary && replica.Routable && replica.HasRoom && (best is null || replica.InFlight < best.InFlight))
            {
                best = replica;
            }
        }

        return best;
    }
}
