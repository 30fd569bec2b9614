using System.Net.Http.Headers;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Mlops.Gateway.Serving;
using Mlops.Keys;
using Mlops.ServiceDefaults.Security;
using Mlops.V1;

namespace Mlops.Gateway.Tests.Hosting;

/// <summary>
/// The gateway in process (TestServer) with its own key store in a temporary folder, in front of a fake runner on
/// a loopback port and one fake replica of the endpoint "iris" on a unix socket. One per test class.
/// </summary>
public sealed class GatewayHost : IAsyncLifetime
{
    public const string Endpoint = "iris";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("mlops-gateway-tests-");
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private FakeRunner? _runner;
    private WebApplicationFactory<Program>? _factory;

    public RunnerScript Runner { get; } = new();

    public FakeReplica Replica { get; private set; } = null!;

    /// <summary>The secret of a key with this role (admin, developer, predictor, viewer).</summary>
    public string Key(string role) => _keys[role];

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var store = new KeyStore(_data.FullName);
        foreach (var role in Roles.Issuable)
        {
            _keys[role] = (await store.CreateAsync($"test-{role}", role, DateTimeOffset.UtcNow, timeout.Token)).Secret;
        }

        Replica = await FakeReplica.StartAsync(_data.CreateSubdirectory("run").FullName, timeout.Token);
        Runner.Endpoints =
        [
            new V1.Endpoint
            {
                Name = Endpoint, ModelName = "iris_model", State = EndpointState.Ready,
                Replicas = { new Replica { Id = "iris-1", State = ReplicaState.Ready, Address = Replica.Address, ModelVersion = "3", Concurrency = 4 } },
            },
        ];
        _runner = await FakeRunner.StartAsync(Runner, timeout.Token);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting(GatewayServiceExtensions.RunnerAddressKey, _runner.Address)
            .UseSetting($"{AuthOptions.SectionName}:{nameof(AuthOptions.DataPath)}", _data.FullName));
        _factory.Server.PreserveExecutionContext = true;

        // Serving answers once the gateway has followed the runner's watch to its snapshot.
        var directory = (ReplicaDirectory)_factory.Services.GetService(typeof(ReplicaDirectory))!;
        while (true)
        {
            // The change to wait for is taken before the look: one that comes between them is not missed.
            var changed = directory.Changed;
            if (directory.Connected && directory.Find(Endpoint) is not null)
            {
                break;
            }

            await changed.WaitAsync(timeout.Token);
        }
    }

    /// <summary>A REST client for the gateway, carrying the key of <paramref name="role"/> (none when null).</summary>
    public HttpClient Client(string? role)
    {
        var client = _factory!.CreateClient();
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key(role));
        }

        return client;
    }

    /// <summary>A gRPC channel to the gateway (the same process, through the TestServer).</summary>
    public GrpcChannel Channel() =>
        GrpcChannel.ForAddress(_factory!.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _factory.Server.CreateHandler() });

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }

        if (Replica is not null)
        {
            await Replica.DisposeAsync();
        }

        _data.Delete(recursive: true);
    }
}
