using System.Collections.Concurrent;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Containers.Swarm;

/// <summary>
/// <see cref="IContainerEngine"/> on Docker Swarm, through the engine the runner talks to (a manager): each function
/// container is a service of one task that never restarts, placed by the swarm on any node. Create pushes the
/// image to the swarm's registry; start sends the input folders as configs and makes the service; the task's end,
/// output and log come back through the manager (<see cref="TaskFollower"/>). Nothing depends on the node it ran on.
/// Invocations and serving replicas run as tasks; a replica listens on a port of the internal overlay network and is
/// reached through the <see cref="SwarmEdge"/>. Pre-started (pooled) containers stay on the manager's own engine (<paramref name="local"/>).
/// </summary>
internal sealed class SwarmContainerEngine(
    IDockerClient docker,
    DockerContainerEngine local,
    SwarmImages images,
    TaskFollower follower,
    SwarmEdge edge,
    ReplicaPlacement placement,
    IOptions<SwarmOptions> swarm,
    IOptions<ContainerOptions> containers,
    IOptions<RunnerOptions> runner,
    ILogger<SwarmContainerEngine> logger) : IContainerEngine
{
    /// <summary>How long a removal waits for the nodes to stop and remove the service's task (a replica has 10 s to finish).</summary>
    private static readonly TimeSpan TaskRemovalWait = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<string, SwarmTask> _tasks = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _network = new(1, 1);
    private volatile bool _networkReady;

    public string Address => $"the swarm managed at {docker.Configuration.EndpointBaseUri}";

    public Task<EngineVersion> VersionAsync(CancellationToken cancellationToken) => Engine(async () =>
    {
        var version = await docker.System.GetVersionAsync(cancellationToken);
        var swarmInfo = await docker.System.GetSystemInfoAsync(cancellationToken);
        if (swarmInfo.Swarm is not { ControlAvailable: true })
        {
            throw new RunnerException(ErrorKind.FailedPrecondition,
                $"Containers:Backend is Swarm, but the engine at {docker.Configuration.EndpointBaseUri} is not a swarm manager (docker swarm init)");
        }

        return new EngineVersion($"{version.Version}, swarm of {swarmInfo.Swarm.Nodes} node(s)", version.APIVersion);
    });

    public Task<string> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken) => Engine(async () =>
    {
        if (spec.OwnerLabel == Labels.Replica)
        {
            // Its address names the edge from the moment it exists.
            await EnsureNetworkAsync(cancellationToken);
            await edge.AddressAsync(cancellationToken);
            spec = spec with { Environment = new Dictionary<string, string>(spec.Environment) { ["MLOPS_PORT"] = $"{SwarmEdge.Port}" } };
        }
        else if (spec.OwnerLabel != Labels.Invocation)
        {
            return await local.CreateAsync(spec, cancellationToken);
        }

        var inspected = await docker.Images.InspectImageAsync(spec.Image, cancellationToken);
        var image = await images.PushedAsync(spec.Image, inspected.ID, cancellationToken);
        var config = inspected.Config;
        IReadOnlyList<string> argv = [.. config.Entrypoint ?? [], .. spec.Command ?? (IEnumerable<string>?)config.Cmd ?? []];
        _tasks[spec.Name] = new SwarmTask(spec, image, argv);
        return spec.Name;
    });

    public Task<IContainerOutput> AttachAsync(string id, CancellationToken cancellationToken) =>
        _tasks.TryGetValue(id, out var task) ? Task.FromResult<IContainerOutput>(new SwarmTaskOutput(task)) : local.AttachAsync(id, cancellationToken);

    public Task StartAsync(string id, CancellationToken cancellationToken) => !_tasks.TryGetValue(id, out var task) ? local.StartAsync(id, cancellationToken) : Engine(async () =>
    {
        await EnsureNetworkAsync(cancellationToken);
        var options = containers.Value;
        var pieces = new List<IReadOnlyList<SwarmConfigReference>>();
        var inputs = task.Spec.Mounts.Where(m => m.ReadOnly).ToList();
        for (var folder = 0; folder < inputs.Count; folder++)
        {
            var refs = new List<SwarmConfigReference>();
            var packed = await TaskFiles.PackAsync(inputs[folder].Source, swarm.Value.MaxInputMb * 1024L * 1024L, cancellationToken);
            for (var piece = 0; piece < packed.Count; piece++)
            {
                var name = $"{task.Name}-{folder}-{piece}";
                var made = await docker.Configs.CreateConfigAsync(new SwarmCreateConfigParameters
                {
                    Config = new SwarmConfigSpec { Name = name, Labels = OwnLabels(task), Data = packed[piece] },
                }, cancellationToken);
                refs.Add(SwarmTaskSpec.Piece(made.ID, name, TaskFiles.PiecePath(folder, piece), options.User));
            }

            pieces.Add(refs);
        }

        var spec = SwarmTaskSpec.For(task.Spec, options, swarm.Value, runner.Value.InstanceName, task.Image, task.Argv, pieces, task.Nonce);
        if (task.Spec.ExtraLabels.TryGetValue(Labels.Endpoint, out var endpoint)
            && await placement.ChooseAsync(() => NodesOf(endpoint), node => task.Node = node, cancellationToken) is { } node)
        {
            spec.TaskTemplate.Placement = new Placement { Constraints = [$"node.id=={node}"] };
        }

        await docker.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = spec }, cancellationToken);
        _ = follower.FollowAsync(task);
    });

    public string? ServingAddress(string id) =>
        _tasks.TryGetValue(id, out var task) && task.Spec.OwnerLabel == Labels.Replica ? edge.ReplicaAddress(task.Name) : null;

    public async Task<ContainerState> WaitAsync(string id, CancellationToken cancellationToken) =>
        _tasks.TryGetValue(id, out var task) ? (await task.Ended.Task.WaitAsync(cancellationToken)).State : await local.WaitAsync(id, cancellationToken);

    public Task KillAsync(string id, CancellationToken cancellationToken) => !_tasks.TryGetValue(id, out var task) ? local.KillAsync(id, cancellationToken) : Engine(async () =>
    {
        if (task.MarkKilled())
        {
            IReadOnlyList<LogChunk> logs = [];
            try
            {
                logs = await follower.LogsAsync(id, cancellationToken);
            }
            catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                // Its service is gone already: there is nothing left to read, and nothing left to kill.
            }
            finally
            {
                task.LogsAtKill.TrySetResult(logs);
            }
        }

        await RemoveServiceAsync(id, cancellationToken);
    });

    public Task RemoveAsync(string nameOrId, CancellationToken cancellationToken) => Engine(async () =>
    {
        // What the janitor finds may be either kind: removing what does not exist is done, not an error.
        await local.RemoveAsync(nameOrId, cancellationToken);
        await RemoveServiceAsync(nameOrId, cancellationToken);
        foreach (var config in await docker.Configs.ListConfigsAsync(cancellationToken))
        {
            if (Label(config.Spec.Labels, SwarmTaskSpec.TaskLabel) == nameOrId)
            {
                await RemoveConfigAsync(config.ID, cancellationToken);
            }
        }

        if (_tasks.TryRemove(nameOrId, out var task))
        {
            // Removed before it ended (a create that failed half-way, a runner that gives up): nobody waits in vain.
            task.LogsAtKill.TrySetResult([]);
            task.Ended.TrySetResult(new TaskEnd(new ContainerState(TaskFollower.KilledExitCode, OomKilled: false), []));
        }
    });

    public Task<IReadOnlyList<LabelledContainer>> ListAsync(CancellationToken cancellationToken) => Engine<IReadOnlyList<LabelledContainer>>(async () =>
    {
        var instance = runner.Value.InstanceName;
        var services = await docker.Swarm.ListServicesAsync(
            new ServicesListParameters { Filters = new ServiceFilter { Label = [$"{Labels.Runner}={instance}"] } }, cancellationToken);
        var found = services
            .Select(s => new LabelledContainer(s.Spec.Name, OwnerOf(s.Spec.Labels)))
            .ToList();
        // Configs whose service was never made (the runner stopped between the two) are leftovers too.
        var configs = (await docker.Configs.ListConfigsAsync(cancellationToken))
            .Where(c => Label(c.Spec.Labels, Labels.Runner) == instance)
            .Select(c => new LabelledContainer(Label(c.Spec.Labels, SwarmTaskSpec.TaskLabel), OwnerOf(c.Spec.Labels)));
        return [.. await local.ListAsync(cancellationToken), .. found, .. configs.Where(c => found.All(s => s.Id != c.Id)).DistinctBy(c => c.Id)];
    });

    private static string Label(IDictionary<string, string>? labels, string name) => labels is not null && labels.TryGetValue(name, out var value) ? value : "";

    /// <summary>The nodes this runner placed the live replicas of <paramref name="endpoint"/> on.</summary>
    private IEnumerable<string> NodesOf(string endpoint) => _tasks.Values
        .Where(t => t.Node is not null && t.Spec.ExtraLabels.TryGetValue(Labels.Endpoint, out var e) && e == endpoint)
        .Select(t => t.Node!);

    /// <summary>The invocation or replica a service or config belongs to, whichever label it carries.</summary>
    private static string OwnerOf(IDictionary<string, string>? labels) =>
        Label(labels, Labels.Invocation) is { Length: > 0 } invocation ? invocation : Label(labels, Labels.Replica);

    private Dictionary<string, string> OwnLabels(SwarmTask task) => new()
    {
        [Labels.Runner] = runner.Value.InstanceName,
        [task.Spec.OwnerLabel] = task.Spec.Owner,
        [SwarmTaskSpec.TaskLabel] = task.Name,
    };

    /// <summary>Removes the service and waits (a bounded while) until the swarm has no task of it left on any node.</summary>
    private async Task RemoveServiceAsync(string name, CancellationToken cancellationToken)
    {
        string id;
        try
        {
            id = (await docker.Swarm.InspectServiceAsync(name, cancellationToken)).ID;
            await docker.Swarm.RemoveServiceAsync(id, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone: what removal is for.
            return;
        }

        // Asked over all tasks: a filter by a service that is gone is refused (404).
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < TaskRemovalWait
               && (await docker.Tasks.ListAsync(cancellationToken)).Any(task => task.ServiceID == id))
        {
            await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(swarm.Value.PollMilliseconds), cancellationToken);
        }
    }

    private async Task RemoveConfigAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Configs.RemoveConfigAsync(id, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }

    /// <summary>The internal overlay network tasks join: no route out of the swarm, nothing else on it.</summary>
    private async Task EnsureNetworkAsync(CancellationToken cancellationToken)
    {
        if (_networkReady)
        {
            return;
        }

        await _network.WaitAsync(cancellationToken);
        try
        {
            if (_networkReady)
            {
                return;
            }

            var name = swarm.Value.Network;
            var existing = await docker.Networks.ListNetworksAsync(new NetworksListParameters(), cancellationToken);
            var found = existing.FirstOrDefault(n => n.Name == name);
            if (found is not null && (!found.Internal || !found.Attachable || found.Driver != "overlay"))
            {
                throw new RunnerException(ErrorKind.FailedPrecondition,
                    $"network {name} (Swarm:Network) exists but is not an internal, attachable overlay network; remove it or name another");
            }

            if (found is null)
            {
                await CreateNetworkAsync(name, cancellationToken);
            }

            _networkReady = true;
        }
        finally
        {
            _network.Release();
        }
    }

    /// <summary>Makes the network; another runner making it at the same moment (409) is as good.</summary>
    private async Task CreateNetworkAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
            {
                Name = name,
                Driver = "overlay",
                Internal = true,
                // The edge, a plain container on the manager, joins it: the one way in.
                Attachable = true,
                CheckDuplicate = true,
                Labels = new Dictionary<string, string> { ["mlops.network"] = "functions" },
            }, cancellationToken);
            logger.TaskNetworkMade(name);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            // Made meanwhile (the swarm's list of networks trails its store).
        }
    }

    private Task Engine(Func<Task> call) => Engine(async () =>
    {
        await call();
        return true;
    });

    private Task<T> Engine<T>(Func<Task<T>> call) => EngineFailures.GuardAsync(docker, call);
}
