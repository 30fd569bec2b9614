namespace Mlops.Runner.Containers;

/// <summary>
/// The few engine verbs a function container needs. Today the local Docker engine implements it; a
/// cluster backend would implement the same verbs. Every failure of the engine itself surfaces as a
/// <see cref="RunnerException"/> of kind Unavailable that names the engine.
/// </summary>
public interface IContainerEngine
{
    /// <summary>Where the engine is, for messages and logs.</summary>
    string Address { get; }

    /// <summary>The engine's version, for the start-up log and the runner's status.</summary>
    Task<EngineVersion> VersionAsync(CancellationToken cancellationToken);

    /// <summary>Creates the container, hardened and labelled as this runner's; returns its id.</summary>
    Task<string> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken);

    /// <summary>Attaches to stdout and stderr; call before start so that no line is lost.</summary>
    Task<IContainerOutput> AttachAsync(string id, CancellationToken cancellationToken);

    Task StartAsync(string id, CancellationToken cancellationToken);

    /// <summary>Waits until the container stops and reports how it ended.</summary>
    Task<ContainerState> WaitAsync(string id, CancellationToken cancellationToken);

    /// <summary>Kills the container; done, not an error, when it is no longer running.</summary>
    Task KillAsync(string id, CancellationToken cancellationToken);

    /// <summary>Force-removes the container and its anonymous volumes; done, not an error, when it does not exist.</summary>
    Task RemoveAsync(string nameOrId, CancellationToken cancellationToken);

    /// <summary>
    /// How a serving replica in container <paramref name="id"/> is reached (see ReplicaAddress), when the engine says
    /// so; null means over the unix socket in its run folder, as on the local engine.
    /// </summary>
    string? ServingAddress(string id) => null;

    /// <summary>Every container labelled as this runner instance's, running or not.</summary>
    Task<IReadOnlyList<LabelledContainer>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>An attached container's output, as the engine multiplexes it.</summary>
public interface IContainerOutput : IDisposable
{
    /// <summary>Reads the next chunk of one stream into <paramref name="buffer"/>; a count of 0 means the output has ended.</summary>
    Task<(int Count, OutputStream Stream)> ReadAsync(byte[] buffer, CancellationToken cancellationToken);
}

/// <param name="Owner">The value of its owner label (an invocation id); empty when it has none.</param>
public sealed record LabelledContainer(string Id, string Owner);
