using Grpc.Core;
using Mlops.Gateway.Diagnostics;
using Mlops.Gateway.Forwarding;
using Mlops.V1;

namespace Mlops.Gateway.Serving;

/// <summary>
/// The data plane's view of every endpoint: it follows the runner's watch stream and keeps a routing table
/// of ready replicas, with one pooled connection each. Draining replicas take no new requests but keep
/// their connection until what is in flight on them has finished.
/// </summary>
public sealed class ReplicaDirectory(V1.Endpoints.EndpointsClient endpoints, ServiceCredentials credentials, ILogger<ReplicaDirectory> logger) : BackgroundService
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, ReplicaConnection> _connections = new(StringComparer.Ordinal);
    private Dictionary<string, ReplicaTable> _tables = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True while the watch stream is up: tables are current.</summary>
    public bool Connected { get; private set; }

    /// <summary>Read on every prediction, without a lock: the table is replaced whole on each change, never changed in place.</summary>
    public ReplicaTable? Find(string name) => Volatile.Read(ref _tables).GetValueOrDefault(name);

    public IReadOnlyCollection<ReplicaTable> Tables => Volatile.Read(ref _tables).Values.ToList();

    /// <summary>Completes at the next change of any table.</summary>
    public Task Changed
    {
        get { lock (_sync) { return _changed.Task; } }
    }

    /// <summary>Every replica with requests in flight or still routable, for the load report.</summary>
    public IReadOnlyList<ReplicaConnection> Connections
    {
        get { lock (_sync) { return _connections.Values.ToList(); } }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var call = endpoints.WatchEndpoints(new WatchEndpointsRequest(), credentials.Headers, cancellationToken: stoppingToken);
                var snapshot = new Dictionary<string, V1.Endpoint>(StringComparer.Ordinal);
                await foreach (var change in call.ResponseStream.ReadAllAsync(stoppingToken))
                {
                    if (change.SnapshotDone)
                    {
                        // The replay is over: the tables are exactly what it named, and current from now on.
                        Replace(snapshot.Values);
                        delay = TimeSpan.FromMilliseconds(200);
                    }
                    else if (change.Snapshot)
                    {
                        snapshot[change.Endpoint.Name] = change.Endpoint;
                    }
                    else
                    {
                        Apply(change);
                    }
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Aborted && !stoppingToken.IsCancellationRequested)
            {
                // Fell behind: the runner ended the watch; the next one starts from the snapshot, which Replace takes whole.
                logger.WatchOverflowed();
            }
            catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.WatchEnded(ex.StatusCode, delay.TotalMilliseconds);
            }
            catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                return;
            }

            Connected = false;
            await Task.Delay(delay, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    /// <summary>
    /// Routes from a complete list of endpoints (the watch's snapshot). Connected before the change is signalled, so
    /// that whoever wakes on it sees both.
    /// </summary>
    private void Replace(IEnumerable<V1.Endpoint> all)
    {
        lock (_sync)
        {
            var tables = new Dictionary<string, ReplicaTable>(StringComparer.Ordinal);
            foreach (var endpoint in all)
            {
                tables[endpoint.Name] = Table(endpoint);
            }

            Volatile.Write(ref _tables, tables);
            Connected = true;
            Collect();
        }
    }

    private void Apply(EndpointEvent change)
    {
        lock (_sync)
        {
            var tables = new Dictionary<string, ReplicaTable>(_tables, StringComparer.Ordinal);
            if (change.Deleted)
            {
                tables.Remove(change.Endpoint.Name);
            }
            else
            {
                tables[change.Endpoint.Name] = Table(change.Endpoint);
            }

            Volatile.Write(ref _tables, tables);
            Collect();
        }
    }

    /// <summary>Call under the lock: the table of one endpoint, reusing the connections of replicas it had.</summary>
    private ReplicaTable Table(V1.Endpoint endpoint)
    {
        var ready = new List<ReplicaConnection>();
        foreach (var replica in endpoint.Replicas)
        {
            if (replica.State == ReplicaState.Ready && replica.Address.Length > 0)
            {
                if (!_connections.TryGetValue(replica.Id, out var connection))
                {
                    connection = _connections[replica.Id] = new ReplicaConnection(endpoint.Name, replica.Id, replica.Address, replica.ModelVersion, replica.Canary, replica.Concurrency);
                }

                ready.Add(connection);
            }
        }

        return new ReplicaTable(endpoint.Name, endpoint.ModelName, endpoint.CanaryPercent, endpoint.State == EndpointState.Ready, ready);
    }

    /// <summary>Call under the lock: stops routing to replicas no table names, closes the idle ones, wakes waiters.</summary>
    private void Collect()
    {
        var routed = _tables.Values.SelectMany(r => r.Replicas).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, connection) in _connections)
        {
            connection.Accepting = routed.Contains(id);
        }

        CloseIdle();

        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    /// <summary>Closes connections of replicas that left while requests were in flight, once those are done.</summary>
    public void Sweep()
    {
        lock (_sync)
        {
            CloseIdle();
        }
    }

    /// <summary>Call under the lock: closes the connections no table uses and nothing is in flight on.</summary>
    private void CloseIdle()
    {
        foreach (var (id, connection) in _connections.Where(c => !c.Value.Accepting && c.Value.InFlight == 0).ToList())
        {
            _connections.Remove(id);
            connection.Dispose();
        }
    }
}
