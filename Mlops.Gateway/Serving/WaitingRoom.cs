namespace Mlops.Gateway.Serving;

/// <summary>
/// The predictions waiting for a replica slot, bounded three ways: in all, per endpoint and per key, so that
/// one endpoint at zero or one busy key cannot take every waiting slot from the others.
/// </summary>
public sealed class WaitingRoom(int maxWaiting, int perEndpoint, int perKey)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, int> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _keys = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>Predictions waiting now, in all.</summary>
    public int Total => Volatile.Read(ref _total);

    /// <summary>
    /// A seat until the returned scope ends; null with <paramref name="refusal"/> naming the limit that is full
    /// and its use (checked and counted at once).
    /// </summary>
    public IDisposable? TryEnter(string endpoint, string key, out string? refusal)
    {
        lock (_sync)
        {
            var (onEndpoint, ofKey) = (_endpoints.GetValueOrDefault(endpoint), _keys.GetValueOrDefault(key));
            refusal = _total >= maxWaiting ? $"{_total} predictions are waiting already (Serving:MaxWaiting is {maxWaiting})"
                : onEndpoint >= perEndpoint ? $"{onEndpoint} predictions wait for endpoint '{Bounded.Text(endpoint, Bounded.NameLength)}' already (Serving:MaxWaitingPerEndpoint is {perEndpoint})"
                : ofKey >= perKey ? $"{ofKey} predictions of this key are waiting already (Serving:MaxWaitingPerKey is {perKey})"
                : null;
            if (refusal is not null)
            {
                return null;
            }

            _total++;
            _endpoints[endpoint] = onEndpoint + 1;
            _keys[key] = ofKey + 1;
        }

        return new Seat(this, endpoint, key);
    }

    /// <summary>Waiting per endpoint, for the load report.</summary>
    public Dictionary<string, int> ByEndpoint()
    {
        lock (_sync)
        {
            return new Dictionary<string, int>(_endpoints, StringComparer.Ordinal);
        }
    }

    private void Leave(string endpoint, string key)
    {
        lock (_sync)
        {
            _total--;
            Decrement(_endpoints, endpoint);
            Decrement(_keys, key);
        }
    }

    private static void Decrement(Dictionary<string, int> counts, string name)
    {
        if (--counts[name] == 0)
        {
            counts.Remove(name);
        }
    }

    private sealed class Seat(WaitingRoom room, string endpoint, string key) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                room.Leave(endpoint, key);
            }
        }
    }
}
