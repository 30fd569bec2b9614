namespace Mlops.Gateway.Serving;

/// <summary>
/// Replicas the data plane cut off (a prediction hung past its timeout, an answer past its size cap), kept
/// until a load report has told the control plane, which replaces them.
/// </summary>
public sealed class ReplicaFaults
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, (string Endpoint, string Reason)> _pending = new(StringComparer.Ordinal);

    public void Add(ReplicaConnection replica, string reason)
    {
        lock (_sync)
        {
            _pending.TryAdd(replica.Id, (replica.Endpoint, reason));
        }
    }

    /// <summary>What the next report carries: (endpoint, replica id, why).</summary>
    public IReadOnlyList<(string Endpoint, string ReplicaId, string Reason)> Pending()
    {
        lock (_sync)
        {
            return _pending.Select(p => (p.Value.Endpoint, p.Key, p.Value.Reason)).ToList();
        }
    }

    /// <summary>Delivered: forgotten (a report that failed carries them again).</summary>
    public void Delivered(IEnumerable<string> replicaIds)
    {
        lock (_sync)
        {
            foreach (var id in replicaIds)
            {
                _pending.Remove(id);
            }
        }
    }
}
