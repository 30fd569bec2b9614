using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Mlops.V1;

namespace Mlops.Cli.Connection;

/// <summary>One channel to the system for the command's life, with the API key on every call.</summary>
internal sealed class MlopsConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    public MlopsConnection(Uri address, string key)
    {
        _channel = GrpcChannel.ForAddress(address);
        var invoker = _channel.Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {key}");
            return metadata;
        });
        Runner = new V1.Runner.RunnerClient(invoker);
        Registry = new V1.Registry.RegistryClient(invoker);
        Endpoints = new V1.Endpoints.EndpointsClient(invoker);
        Pipelines = new V1.Pipelines.PipelinesClient(invoker);
    }

    public V1.Runner.RunnerClient Runner { get; }

    public V1.Registry.RegistryClient Registry { get; }

    public V1.Endpoints.EndpointsClient Endpoints { get; }

    public V1.Pipelines.PipelinesClient Pipelines { get; }

    public void Dispose() => _channel.Dispose();
}
