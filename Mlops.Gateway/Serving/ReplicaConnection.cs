using Mlops.ServiceDefaults.Replicas;

namespace Mlops.Gateway.Serving;

/// <summary>
/// One ready replica as the data plane sees it: where it is, what it serves, and what is in flight on it, never
/// more than its <see cref="Concurrency"/>.
/// </summary>
public sealed class ReplicaConnection : IDisposable
{
    private int _inFlight;

    public ReplicaConnection(string endpoint, string id, string address, string modelVersion, bool canary, int concurrency = 0)
    {
        (Endpoint, Id, Address, ModelVersion, Canary) = (endpoint, id, address, modelVersion, canary);
        // 0: a control plane that does not say; then the replica is not capped here.
        Concurrency = concurrency > 0 ? concurrency : int.MaxValue;
        Http = new HttpClient(ReplicaAddress.CreateHandler(address), disposeHandler: true)
        {
            BaseAddress = ReplicaAddress.BaseUri(address),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public string Endpoint { get; }

    public string Id { get; }

    public string Address { get; }

    public string ModelVersion { get; }

    public bool Canary { get; }

    /// <summary>Predictions it takes at once: its serving function's concurrency.</summary>
    public int Concurrency { get; }

    public HttpClient Http { get; }

    /// <summary>False once the control plane drains or removes it: no new requests go to it.</summary>
    public bool Accepting { get; set; } = true;

    /// <summary>True once it hung or flooded: it takes nothing more, whatever its replica table says, until the control plane replaces it.</summary>
    public bool Faulted { get; private set; }

    public bool Routable => Accepting && !Faulted;

    public bool HasRoom => InFlight < Concurrency;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a slot if one is free (checked and counted at once).</summary>
    public bool TryEnter()
    {
        for (var now = Volatile.Read(ref _inFlight); now < Concurrency; now = Volatile.Read(ref _inFlight))
        {
            if (Interlocked.CompareExchange(ref _inFlight, now + 1, now) == now)
            {
                return true;
            }
        }

        return false;
    }

    public void Fault() => Faulted = true;

    public void Leave() => Interlocked.Decrement(ref _inFlight);

    public void Dispose() => Http.Dispose();
}
