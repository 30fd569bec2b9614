using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using Mlops.V1;

namespace Mlops.AppHost.Watching;

/// <summary>
/// The runner's gRPC API as the AppHost uses it, with the admin key the first start wrote (read at each call,
/// so a key file replaced by hand is picked up): its watch streams, and what the dashboard's commands do.
/// </summary>
public sealed class RunnerApi(Func<Uri> address, string adminKeyPath) : IDisposable
{
    private readonly Lazy<GrpcChannel> _channel = new(() => GrpcChannel.ForAddress(address()));

    public Endpoints.EndpointsClient Endpoints => new(_channel.Value);

    public Registry.RegistryClient Registry => new(_channel.Value);

    public V1.Pipelines.PipelinesClient Pipelines => new(_channel.Value);

    public V1.Runner.RunnerClient Runner => new(_channel.Value);

    public Metadata Credentials() => new() { { "authorization", $"Bearer {File.ReadAllText(adminKeyPath).Trim()}" } };

    /// <summary>Every pipeline run as it changes (the runner's WatchPipelineRuns), until the stream ends or fails.</summary>
    public async IAsyncEnumerable<PipelineRun> WatchPipelineRunsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var watch = Pipelines.WatchPipelineRuns(new WatchPipelineRunsRequest(), Credentials(), cancellationToken: cancellationToken);
        await foreach (var run in watch.ResponseStream.ReadAllAsync(cancellationToken))
        {
            yield return run;
        }
    }

    public void Dispose()
    {
        if (_channel.IsValueCreated)
        {
            _channel.Value.Dispose();
        }
    }
}
