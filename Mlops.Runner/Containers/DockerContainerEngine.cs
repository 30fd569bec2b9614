using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Containers;

/// <summary>
/// <see cref="IContainerEngine"/> on the local Docker engine. A thin translation: Docker's types and
/// exceptions stay in this file.
/// </summary>
public sealed class DockerContainerEngine(IDockerClient docker, IOptions<ContainerOptions> options, IOptions<RunnerOptions> runnerOptions)
    : IContainerEngine
{
    public string Address => docker.Configuration.EndpointBaseUri.ToString();

    public Task<EngineVersion> VersionAsync(CancellationToken cancellationToken) => Engine(async () =>
    {
        var version = await docker.System.GetVersionAsync(cancellationToken);
        return new EngineVersion(version.Version, version.APIVersion);
    });

    public Task<string> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken) => Engine(async () =>
    {
        var parameters = HardenedCreateParameters.For(spec, options.Value, runnerOptions.Value.InstanceName);
        return (await docker.Containers.CreateContainerAsync(parameters, cancellationToken)).ID;
    });

    public Task<IContainerOutput> AttachAsync(string id, CancellationToken cancellationToken) => Engine<IContainerOutput>(async () =>
        new Output(await docker.Containers.AttachContainerAsync(
            id, tty: false, new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, cancellationToken)));

    public Task StartAsync(string id, CancellationToken cancellationToken) =>
        Engine(() => docker.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken));

    public Task<ContainerState> WaitAsync(string id, CancellationToken cancellationToken) => Engine(async () =>
    {
        await docker.Containers.WaitContainerAsync(id, cancellationToken);
        var state = (await docker.Containers.InspectContainerAsync(id, cancellationToken)).State;
        return new ContainerState(state.ExitCode, state.OOMKilled);
    });

    public Task KillAsync(string id, CancellationToken cancellationToken) => Engine(async () =>
    {
        try
        {
            await docker.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // Not running (it exited on its own meanwhile) or gone: nothing is left to stop.
        }
    });

    public Task RemoveAsync(string nameOrId, CancellationToken cancellationToken) => Engine(async () =>
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(nameOrId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            // Already gone: what removal is for.
        }
    });

    public Task<IReadOnlyList<LabelledContainer>> ListAsync(CancellationToken cancellationToken) => Engine<IReadOnlyList<LabelledContainer>>(async () =>
    {
        var containers = await docker.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [$"{Labels.Runner}={runnerOptions.Value.InstanceName}"] = true },
                },
            },
            cancellationToken);
        return containers
            .Select(c => new LabelledContainer(c.ID, OwnerOf(c.Labels)))
            .ToList();
    });

    private static string OwnerOf(IDictionary<string, string>? labels) =>
        labels is null ? "" : OwnerLabels.Select(label => labels.TryGetValue(label, out var owner) ? owner : null).FirstOrDefault(owner => owner is not null) ?? "";

    /// <summary>The labels that name a container's owner: one per kind of container the runner makes.</summary>
    private static readonly string[] OwnerLabels = [Labels.Invocation, Labels.Replica, Labels.Pool];

    private Task Engine(Func<Task> call) => Engine(async () =>
    {
        await call();
        return true;
    });

    /// <summary>The engine's own failures (unreachable, or an error it answered) become Unavailable, naming it.</summary>
    private Task<T> Engine<T>(Func<Task<T>> call) => EngineFailures.GuardAsync(docker, call);

    private sealed class Output(MultiplexedStream stream) : IContainerOutput
    {
        public async Task<(int Count, OutputStream Stream)> ReadAsync(byte[] buffer, CancellationToken cancellationToken)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            var target = read.Target == MultiplexedStream.TargetStream.StandardError ? OutputStream.Stderr : OutputStream.Stdout;
            return (read.EOF ? 0 : read.Count, target);
        }

        public void Dispose() => stream.Dispose();
    }
}
