using Grpc.Core;
using Microsoft.Extensions.Options;
using Mlops.Gateway.Diagnostics;
using Mlops.Gateway.Forwarding;
using Mlops.V1;
using OpenTelemetry;

namespace Mlops.Gateway.Serving;

/// <summary>
/// Tells the control plane what the data plane carries: in flight and waiting per endpoint, in flight per
/// replica, and the replicas it cut off. Sent on a short period, and at once when a prediction starts waiting
/// (a start from zero) or a replica is cut off.
/// </summary>
public sealed class LoadReporter(
    V1.Endpoints.EndpointsClient endpoints, ServiceCredentials credentials, ReplicaDirectory directory, ReplicaFaults faults, IOptions<ServingOptions> options,
    ILogger<LoadReporter> logger) : BackgroundService
{
    private readonly Lock _sync = new();
    private readonly WaitingRoom _room = new(options.Value.MaxWaiting, options.Value.MaxWaitingPerEndpoint, options.Value.MaxWaitingPerKey);
    private TaskCompletionSource _urgent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Predictions waiting for a replica slot now.</summary>
    public int Waiting => _room.Total;

    /// <summary>
    /// A prediction of <paramref name="key"/> waits for a replica of <paramref name="endpoint"/> until the returned
    /// scope ends; null, with the limit that is full in <paramref name="refusal"/>, when the waiting room is full.
    /// </summary>
    public IDisposable? TryWait(string endpoint, string key, out string? refusal)
    {
        var seat = _room.TryEnter(endpoint, key, out refusal);
        if (seat is not null)
        {
            ReportSoon();
        }

        return seat;
    }

    public void ReportSoon()
    {
        lock (_sync)
        {
            _urgent.TrySetResult();
        }
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
                var cut = faults.Pending();
                using (SuppressInstrumentationScope.Begin())
                {
                    await endpoints.ReportLoadAsync(Report(cut), credentials.Headers, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: stoppingToken);
                }

                faults.Delivered(cut.Select(c => c.ReplicaId));
            }
            catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A runner restarting is routine; a refused key (or anything else) means scaling has stopped.
                logger.LoadReportNotDelivered(ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded ? LogLevel.Debug : LogLevel.Warning,
                    ex.StatusCode, ex.Status.Detail);
            }
            catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                return;
            }
        }
    }

    /// <summary>Per endpoint: in flight and waiting, in flight per replica (draining ones included: that is what lets them go), and the replicas cut off.</summary>
    private LoadReport Report(IReadOnlyList<(string Endpoint, string ReplicaId, string Reason)> cut)
    {
        var loads = directory.Tables.ToDictionary(r => r.Name, r => new EndpointLoad { Name = r.Name }, StringComparer.Ordinal);
        EndpointLoad For(string name) => loads.TryGetValue(name, out var load) ? load : loads[name] = new EndpointLoad { Name = name };
        foreach (var (name, count) in _room.ByEndpoint())
        {
            For(name).Waiting = count;
        }

        foreach (var connection in directory.Connections.Where(c => c.InFlight > 0 && loads.ContainsKey(c.Endpoint)))
        {
            loads[connection.Endpoint].InFlight += connection.InFlight;
            loads[connection.Endpoint].ReplicaInFlight[connection.Id] = connection.InFlight;
        }

        foreach (var (endpoint, replicaId, reason) in cut)
        {
            For(endpoint).ReplicaFaults[replicaId] = reason;
        }

        var report = new LoadReport();
        report.Endpoints.AddRange(loads.Values);
        return report;
    }
}
