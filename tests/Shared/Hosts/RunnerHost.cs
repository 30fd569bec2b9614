extern alias runner;

using Docker.DotNet;
using Docker.DotNet.Models;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Labels = runner::Mlops.Runner.Labels;
using V1 = Mlops.V1;

namespace Mlops.Testing;

/// <summary>
/// A real runner on a real Kestrel socket (h2c) against the real Docker engine, with its own functions
/// folder (a copy of tests/functions), logs and data in a temporary directory, and its own instance
/// name so that its reaper and checks see only its own containers.
/// </summary>
public sealed class RunnerHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<runner::Program> _factory;
    private readonly Uri _engine;
    private bool _stopped;

    private RunnerHost(string root, string instance, WebApplicationFactory<runner::Program> factory, GrpcChannel channel, string address, string adminKey)
    {
        AdminKey = adminKey;
        Address = address;
        Root = root;
        InstanceName = instance;
        _factory = factory;
        _engine = Docker.Configuration.EndpointBaseUri;
        Channel = channel;
        Client = new V1.Runner.RunnerClient(channel);
    }

    public string Root { get; }

    /// <summary>The runner's gRPC address (h2c), e.g. http://127.0.0.1:40123.</summary>
    public string Address { get; }

    public string FunctionsDirectory => Path.Combine(Root, "functions");

    public string LogsDirectory => Path.Combine(Root, "logs");

    public string DataDirectory => Path.Combine(Root, "data");

    public string InstanceName { get; }

    /// <summary>Authenticated with <see cref="AdminKey"/>.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>The admin key the runner wrote to data/secrets/admin.key on its first start.</summary>
    public string AdminKey { get; }

    /// <summary>A channel that sends <paramref name="key"/> (none when null); the caller disposes it.</summary>
    public GrpcChannel ChannelWith(string? key) => GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = new BearerHandler(key) });

    public V1.Runner.RunnerClient Client { get; }

    public V1.Registry.RegistryClient Registry => new(Channel);

    public IDockerClient Docker => _factory.Services.GetRequiredService<IDockerClient>();

    public IServiceProvider Services => _factory.Services;

    public static Task<RunnerHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, string? instanceName = null, string? root = null)
    {
        root ??= Directory.CreateTempSubdirectory("mlops-runner-test-").FullName;
        var functions = Path.Combine(root, "functions");
        if (!Directory.Exists(functions))
        {
            CopyDirectory(RepositoryPaths.TestFunctions, functions);
        }

        var instance = instanceName ?? $"test-{Guid.NewGuid():N}"[..17];
        var factory = new WebApplicationFactory<runner::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Kestrel:Endpoints:grpc:Url", "http://127.0.0.1:0");
            builder.UseSetting("Runner:FunctionsPath", functions);
            var defaults = new Dictionary<string, string?>
            {
                ["Runner:LogsPath"] = Path.Combine(root, "logs"),
                ["Runner:DataPath"] = Path.Combine(root, "data"),
                ["Runner:InstanceName"] = instance,
                ["Runner:MaxConcurrentInvocations"] = "4",
            };
            foreach (var (key, value) in defaults)
            {
                builder.UseSetting(key, value);
            }

            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }
        });
        factory.UseKestrel();
        factory.StartServer();

        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var adminKey = BearerHandler.AdminKeyIn(Path.Combine(root, "data"));
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = new BearerHandler(adminKey) });
        return Task.FromResult(new RunnerHost(root, instance, factory, channel, address, adminKey));
    }

    /// <summary>A copy of a test function under a new name, with a nonce so that its image is new to the engine.</summary>
    public string AddUniqueFunction(string template, string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        var target = Path.Combine(FunctionsDirectory, name);
        CopyDirectory(Path.Combine(RepositoryPaths.TestFunctions, template), target);
        File.WriteAllText(Path.Combine(target, "nonce.txt"), Guid.NewGuid().ToString());
        return name;
    }

    /// <summary>Containers of this runner instance that still exist on the engine.</summary>
    public Task<IList<ContainerListResponse>> ContainersAsync(string? invocationId = null) => InstanceContainers.ListAsync(Docker, InstanceName, invocationId);

    /// <summary>Polls until this instance has no containers left; false if some remain after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForNoContainersAsync(TimeSpan timeout, string? invocationId = null) =>
        await InstanceContainers.WaitForNoneAsync(Docker, InstanceName, timeout, invocationId) == 0;

    /// <summary>Containers this instance created on the engine between <paramref name="since"/> and now, from the engine's event log.</summary>
    public async Task<int> ContainersCreatedSinceAsync(DateTimeOffset since)
    {
        var created = 0;
        var until = DateTimeOffset.UtcNow.AddSeconds(1);
        await Docker.System.MonitorEventsAsync(
            new ContainerEventsParameters
            {
                Since = since.AddSeconds(-1).ToUnixTimeSeconds().ToString(),
                Until = until.ToUnixTimeSeconds().ToString(),
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["type"] = new Dictionary<string, bool> { ["container"] = true },
                    ["event"] = new Dictionary<string, bool> { ["create"] = true },
                    ["label"] = new Dictionary<string, bool> { [$"{Labels.Runner}={InstanceName}"] = true },
                },
            },
            // The engine's filter counts in whole seconds: a container the previous test made just before is not this one's.
            new SynchronousProgress<Message>(message => created += message.TimeNano >= since.ToUnixTimeMilliseconds() * 1_000_000 ? 1 : 0));
        return created;
    }

    /// <summary>The images, and the build stages, made for a function.</summary>
    public async Task<IList<ImagesListResponse>> ImagesOfAsync(string function, bool buildStages = false) =>
        await Docker.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{(buildStages ? Labels.BuildStage : Labels.Function)}={function}"] = true },
            },
        });

    public async Task RemoveImagesOfAsync(string function)
    {
        foreach (var image in (await ImagesOfAsync(function)).Concat(await ImagesOfAsync(function, buildStages: true)))
        {
            try
            {
                await Docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true });
            }
            catch (DockerImageNotFoundException)
            {
                // Went with an image removed before it.
            }
        }
    }

    /// <summary>Stops the runner; the folder stays, for a restart with the same instance.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Channel.Dispose();
        await _factory.DisposeAsync();
    }

    /// <summary>
    /// This instance's containers as the engine has them, asked without the runner (which may have stopped). Pooled
    /// containers wait for invocations while the runner runs; stopping it must remove them.
    /// </summary>
    public async Task<IList<ContainerListResponse>> ContainersOnTheEngineAsync()
    {
        using var docker = new DockerClientConfiguration(_engine).CreateClient();
        return await InstanceContainers.ListAsync(docker, InstanceName);
    }

    public async ValueTask DisposeAsync()
    {
        // Pooled containers are the runner's own until it stops; everything else must be gone by now.
        var leftovers = _stopped ? [] : await UnpooledContainersAsync();
        await StopAsync();
        // A swarm node removes a removed service's container a moment after the manager lets go of its task.
        using (var docker = new DockerClientConfiguration(_engine).CreateClient())
        {
            await InstanceContainers.WaitForNoneAsync(docker, InstanceName, TimeSpan.FromSeconds(15));
        }

        leftovers.AddRange(await ContainersOnTheEngineAsync());
        Directory.Delete(Root, recursive: true);
        if (leftovers.Count > 0)
        {
            throw new InvalidOperationException($"{leftovers.Count} container(s) of runner {InstanceName} were left behind: {string.Join(", ", leftovers.Select(c => c.Names.FirstOrDefault()))}");
        }
    }

    /// <summary>Containers still there that are not pooled, given the few seconds a swarm node takes to remove a removed service's.</summary>
    private async Task<List<ContainerListResponse>> UnpooledContainersAsync()
    {
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15); ; await Task.Delay(250))
        {
            var left = (await ContainersAsync()).Where(c => !c.Labels.ContainsKey(Labels.Pool)).ToList();
            if (left.Count == 0 || DateTime.UtcNow > deadline)
            {
                return left;
            }
        }
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    internal static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
