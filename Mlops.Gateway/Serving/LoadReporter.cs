using Grpc.Core;
using Microsoft.Extensions.Options;
using Mlops.V1;

namespace Mlops.Gateway.Serving;

/// <summary>
/// Tells the control plane what the data plane carries: in flight and waiting per endpoint, in flight per
/// replica. Sent on a short period, and at once when a prediction starts waiting (a start from zero).
/// </summary>
public sealed class LoadReporter(
    V1.Endpoints.EndpointsClient endpoints, ReplicaDirectory directory, IOptions<ServingOptions> options, ILogger<LoadReporter> logger) : BackgroundService
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, int> _waiting = new(StringComparer.Ordinal);
    private TaskCompletionSource _urgent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A prediction waits for a replica of <paramref name="endpoint"/> until the returned scope ends.</summary>
    public IDisposable Wait(string endpoint)
    {
        lock (_sync)
        {
            _waiting[endpoint] = _waiting.GetValueOrDefault(endpoint) + 1;
            _urgent.TrySetResult();
        }

        return new WaitScope(this, endpoint);
    }

    public int Waiting
    {
        get { lock (_sync) { return _waiting.Values.Sum(); } }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromMilliseconds(options.Value.LoadReportMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            Task urgent;
            lock (_sync)
            {
                urgent = _urgent.Task;
            }

            try
            {
                await Task.WhenAny(urgent, Task.Delay(period, stoppingToken));
                lock (_sync)
                {
                    if (_urgent.Task.IsCompleted)
                    {
                        _urgent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                }

                directory.Sweep();
                await endpoints.ReportLoadAsync(Report(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: stoppingToken);
            }
            catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug("Load report not delivered ({Status}); the next one carries the same", ex.StatusCode);
            }
            catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                return;
            }
        }
    }

    private LoadReport Report()
    {
        var report = new LoadReport();
        var connections = directory.Connections;
        Dictionary<string, int> waiting;
        lock (_sync)
        {
            waiting = new Dictionary<string, int>(_waiting, StringComparer.Ordinal);
        }

        foreach (var route in directory.Routes)
        {
            var load = new EndpointLoad { Name = route.Name, Waiting = waiting.GetValueOrDefault(route.Name) };
            foreach (var replica in route.Replicas)
            {
                load.InFlight += replica.InFlight;
            }

            report.Endpoints.Add(load);
        }

        // Draining replicas are in no route, but their in-flight count is what lets them be removed.
        foreach (var load in report.Endpoints)
        {
            foreach (var connection in connections.Where(c => c.InFlight > 0))
            {
                load.ReplicaInFlight[connection.Id] = connection.InFlight;
            }
        }

        foreach (var (name, count) in waiting.Where(w => report.Endpoints.All(e => e.Name != w.Key)))
        {
            report.Endpoints.Add(new EndpointLoad { Name = name, Waiting = count });
        }

        return report;
    }

    private void Leave(string endpoint)
    {
        lock (_sync)
        {
            if (--_waiting[endpoint] == 0)
            {
                _waiting.Remove(endpoint);
            }
        }
    }

    private sealed class WaitScope(LoadReporter reporter, string endpoint) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                reporter.Leave(endpoint);
            }
        }
    }
}
