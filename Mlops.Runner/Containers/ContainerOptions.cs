using System.ComponentModel.DataAnnotations;

namespace Mlops.Runner.Containers;

public sealed class ContainerOptions
{
    public const string SectionName = "Containers";

    /// <summary>Where function containers run: <c>Docker</c>, the one engine (the default), or <c>Swarm</c>, the tasks of a swarm whose manager that engine is.</summary>
    public ContainerBackend Backend { get; set; } = ContainerBackend.Docker;

    /// <summary>The Docker engine's address (unix:// or tcp://); empty means DOCKER_HOST, then the local unix socket.</summary>
    public string? EngineAddress { get; set; }

    /// <summary>uid:gid every function runs as, whatever its image says: never root.</summary>
    [Required, RegularExpression("^[1-9][0-9]{0,9}:[1-9][0-9]{0,9}$")]
    public string User { get; set; } = "10001:10001";

    [Range(8, 100_000)]
    public int PidsLimit { get; set; } = 256;

    [Range(1, 100_000)]
    public int TmpfsSizeMb { get; set; } = 256;

    /// <summary>
    /// The engine's own copy of a container's output (json-file, for `docker logs`), capped: the runner keeps
    /// the full log itself, and a function printing without end must not fill the engine's disk.
    /// </summary>
    [Range(1, 10_000)]
    public int EngineLogMaxMb { get; set; } = 10;

    /// <summary>What one invocation may print (stdout and stderr together) before it is stopped: the runner keeps all of it.</summary>
    [Range(1, 100_000)]
    public int MaxLogMb { get; set; } = 64;

    /// <summary>
    /// What a function may leave in /mlops/output (a trained model included) before it is stopped; also the
    /// most any one file it writes may hold (RLIMIT_FSIZE), so a single runaway write stops at once.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxOutputMb { get; set; } = 2_048;

    /// <summary>Files and folders a function may leave in /mlops/output before it is stopped.</summary>
    [Range(1, 10_000_000)]
    public int MaxOutputFiles { get; set; } = 10_000;

    /// <summary>How long one attempt to kill or remove a container may take.</summary>
    [Range(1, 600)]
    public int TeardownTimeoutSeconds { get; set; } = 30;

    /// <summary>Attempts to kill or remove a container before it is left to the janitor (which keeps trying).</summary>
    [Range(1, 100)]
    public int TeardownAttempts { get; set; } = 6;

    /// <summary>Wait before the second attempt; it doubles with each further one, up to 5 s.</summary>
    [Range(1, 60_000)]
    public int TeardownBackoffMilliseconds { get; set; } = 200;

    /// <summary>How often the janitor removes this runner's containers that no live invocation owns.</summary>
    [Range(1, 86_400)]
    public int JanitorIntervalSeconds { get; set; } = 60;
}

public enum ContainerBackend
{
    Docker,
    Swarm,
}
