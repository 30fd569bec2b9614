using Grpc.Core;
using Microsoft.Extensions.Options;
using Mlops.Gateway.Forwarding;
using Mlops.V1;
using OpenTelemetry;

namespace Mlops.Gateway.Serving;

/// <summary>
/// Tells the control plane what the data plane carries: in flight and waiting per endpoint, in flight per
/// replica. Sent on a short period, and at once when a prediction starts waiting (a start from zero).
/// </summary>
public sealed class LoadReporter(
    V1.Endpoints.EndpointsClient endpoints, ServiceCredentials credentials, ReplicaDirectory directory, IOptions<ServingOptions> options, ILogger<LoadReporter> logger) : BackgroundService
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, int> _waiting = new(StringComparer.Ordinal);
    private int _total;
    private TaskCompletionSource _urgent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// A prediction waits for a replica of <paramref name="endpoint"/> until the returned scope ends; null when
    /// <paramref name="limit"/> predictions wait already (checked and counted at once).
    /// </summary>
    public IDisposable? TryWait(string endpoint, int limit)
    {
        lock (_sync)
        {
            if (_total >= limit)
            {
                return null;
            }

            _total++;
            _waiting[endpoint] = _waiting.GetValueOrDefault(endpoint) + 1;
            _urgent.TrySetResult();
        }

        return new WaitScope(this, endpoint);
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
                // A heartbeat twice a second: traced, it would bury the traces people look for (the runner does not trace it either).
                using (SuppressInstrumentationScope.Begin())
                {
                    await endpoints.ReportLoadAsync(Report(), credentials.Headers, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: stoppingToken);
                }
            }
            catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A runner restarting is routine; a refused key (or anything else) means scaling has stopped.
                logger.Log(ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded ? LogLevel.Debug : LogLevel.Warning,
                    "Load report not delivered ({Status}: {Detail}); the next one carries the same", ex.StatusCode, ex.Status.Detail);
            }
            catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                return;
            }
        }
    }

    /// <summary>Per endpoint: in flight and waiting, and in flight per replica (draining ones included: that is what lets them go).</summary>
    private LoadReport Report()
    {
        Dictionary<string, int> waiting;
        lock (_sync)
        {
            waiting = new Dictionary<string, int>(_waiting, StringComparer.Ordinal);
        }

        var loads = directory.Routes.ToDictionary(r => r.Name, r => new EndpointLoad { Name = r.Name }, StringComparer.Ordinal);
        foreach (var (name, count) in waiting)
        {
            (loads.TryGetValue(name, out var load) ? load : loads[name] = new EndpointLoad { Name = name }).Waiting = count;
        }

        foreach (var connection in directory.Connections.Where(c => c.InFlight > 0 && loads.ContainsKey(c.Endpoint)))
        {
            loads[connection.Endpoint].InFlight += connection.InFlight;
            loads[connection.Endpoint].ReplicaInFlight[connection.Id] = connection.InFlight;
        }

        var report = new LoadReport();
        report.Endpoints.AddRange(loads.Values);
        return report;
    }

    private void Leave(string endpoint)
    {
        lock (_sync)
        {
            _total--;
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
