using System.Globalization;
using Docker.DotNet.Models;

namespace Mlops.Runner.Containers.Swarm;

/// <summary>
/// The one place a function task's service is made, the Swarm counterpart of <see cref="HardenedCreateParameters"/>:
/// a service of one task that never restarts; read-only root, no capabilities, the forced user, an init process, memory,
/// CPU and pids limits, the labels a janitor finds; its folders as tmpfs filled from configs (see <see cref="TaskFiles"/>);
/// and an internal overlay network in place of none (a swarm task cannot have none). What Swarm has no word for here:
/// no-new-privileges (engine 20.10) and the ulimit (set by the task's shell instead).
/// </summary>
internal static class SwarmTaskSpec
{
    public const string TaskLabel = "mlops.task";

    private static readonly TimeSpan ReplicaStopGrace = TimeSpan.FromSeconds(10);

    /// <param name="argv">The function's own command: the image's entrypoint and the spec's command (or the image's).</param>
    /// <param name="pieces">Per read-only mount, in order, the configs that carry it.</param>
    public static ServiceSpec For(
        ContainerSpec spec, ContainerOptions options, SwarmOptions swarm, string instance, string image, IReadOnlyList<string> argv,
        IReadOnlyList<IReadOnlyList<SwarmConfigReference>> pieces, string nonce)
    {
        var labels = new Dictionary<string, string>(spec.ExtraLabels)
        {
            [Labels.Function] = spec.Function,
            [spec.OwnerLabel] = spec.Owner,
            [Labels.Runner] = instance,
            [TaskLabel] = spec.Name,
        };
        var inputs = spec.Mounts.Where(m => m.ReadOnly).Select(m => m.Target).ToList();
        // An invocation's output comes back; a replica's run folder is its own scratch space.
        var output = spec.OwnerLabel == Labels.Invocation ? spec.Mounts.FirstOrDefault(m => !m.ReadOnly)?.Target : null;
        var maxOutput = options.MaxOutputMb * 1024L * 1024L;
        var mounts = new List<Mount> { Tmpfs("/tmp", options.TmpfsSizeMb * 1024L * 1024L, 0x3FF /* 1777 */) };
        // Owned by root in the task; the function's user unpacks into them and writes its output.
        mounts.AddRange(spec.Mounts.Select(m => Tmpfs(m.Target, m.ReadOnly ? swarm.MaxInputMb * 1024L * 1024L : maxOutput, 0x1FF /* 777 */)));
        return new ServiceSpec
        {
            Name = spec.Name,
            Labels = labels,
            // One replica that is never restarted, not a job: engine 20.10 leaves a removed job's containers on the nodes.
            Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
            // Its name resolves to its task itself, not to a virtual IP: a replica that has gone is a failed look-up
            // at once, not a connection that hangs.
            EndpointSpec = new EndpointSpec { Mode = "dnsrr" },
            TaskTemplate = new TaskSpec
            {
                ContainerSpec = new Docker.DotNet.Models.ContainerSpec
                {
                    Image = image,
                    Labels = labels,
                    Command = ["/bin/sh", "-c", TaskFiles.Script(inputs, output, nonce, maxOutput), "mlops-task"],
                    Args = argv.ToList(),
                    Env = spec.Environment.Select(pair => $"{pair.Key}={pair.Value}").ToList(),
                    User = options.User,
                    ReadOnly = true,
                    Init = true,
                    CapabilityDrop = ["ALL"],
                    // An invocation's kill is a kill; a replica stopped by a drain finishes what it has in flight.
                    StopGracePeriod = spec.OwnerLabel == Labels.Replica ? ReplicaStopGrace.Ticks * 100 : 0,
                    Mounts = mounts,
                    Configs = pieces.SelectMany(p => p).ToList(),
                },
                Resources = new ResourceRequirements
                {
                    Limits = new SwarmLimit
                    {
                        MemoryBytes = spec.MemoryMb * 1024L * 1024L,
                        NanoCPUs = (long)(spec.Cpus * 1_000_000_000),
                        Pids = options.PidsLimit,
                    },
                },
                RestartPolicy = new SwarmRestartPolicy { Condition = "none", MaxAttempts = 0 },
                Networks = [new NetworkAttachmentConfig { Target = swarm.Network }],
                LogDriver = new SwarmDriver
                {
                    Name = "json-file",
                    Options = new Dictionary<string, string>
                    {
                        ["max-size"] = string.Create(CultureInfo.InvariantCulture, $"{options.EngineLogMaxMb}m"),
                        ["max-file"] = "1",
                    },
                },
            },
        };
    }

    /// <summary>A config that carries one piece of a read-only folder, readable by the function's user only.</summary>
    public static SwarmConfigReference Piece(string configId, string configName, string path, string user) => new()
    {
        ConfigID = configId,
        ConfigName = configName,
        File = new ConfigReferenceFileTarget { Name = path, UID = user.Split(':')[0], GID = user.Split(':')[1], Mode = 0x100 /* 400 */ },
    };

    private static Mount Tmpfs(string target, long size, uint mode) => new()
    {
        Type = "tmpfs",
        Target = target,
        TmpfsOptions = new TmpfsOptions { SizeBytes = size, Mode = mode },
    };
}
