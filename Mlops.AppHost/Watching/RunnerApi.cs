using Grpc.Core;
using Grpc.Net.Client;
using Mlops.V1;

namespace Mlops.AppHost.Serving;

/// <summary>
/// The runner's gRPC API as the AppHost uses it, with the admin key the first start wrote (read at each call,
/// so a key file replaced by hand is picked up): its endpoint watch, and what the endpoint commands do.
/// </summary>
public sealed class RunnerApi(Func<Uri> address, string adminKeyPath) : IDisposable
{
    private readonly Lazy<GrpcChannel> _channel = new(() => GrpcChannel.ForAddress(address()));

    public Endpoints.EndpointsClient Endpoints => new(_channel.Value);

    public Registry.RegistryClient Registry => new(_channel.Value);

    public Metadata Credentials() => new() { { "authorization", $"Bearer {File.ReadAllText(adminKeyPath).Trim()}" } };

    public void Dispose()
    {
        if (_channel.IsValueCreated)
        {
            _channel.Value.Dispose();
        }
    }
}
