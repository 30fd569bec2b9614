namespace Mlops.Gateway.Serving;

/// <summary>One ready replica as the data plane sees it: where it is, what it serves, and what is in flight on it.</summary>
public sealed class ReplicaConnection : IDisposable
{
    private int _inFlight;

    public ReplicaConnection(string endpoint, string id, string address, string modelVersion, bool canary)
    {
        (Endpoint, Id, Address, ModelVersion, Canary) = (endpoint, id, address, modelVersion, canary);
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

    public HttpClient Http { get; }

    /// <summary>False once the control plane drains or removes it: no new requests go to it.</summary>
    public bool Accepting { get; set; } = true;

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Leave() => Interlocked.Decrement(ref _inFlight);

    public void Dispose() => Http.Dispose();
}
