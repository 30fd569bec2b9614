using System.Globalization;
using Docker.DotNet.Models;

namespace Mlops.Runner.Containers;

/// <summary>
/// The one place a function container's create parameters are made: no network, read-only root with a
/// small tmpfs, no capabilities, no new privileges, a pids limit, a file-size limit, memory and CPU limits, a forced
/// unprivileged user, an init process, the spec's mounts and nothing else, a capped engine log, and the labels
/// a janitor finds.
/// </summary>
public static class HardenedCreateParameters
{
    public static CreateContainerParameters For(ContainerSpec spec, ContainerOptions options, string instance)
    {
        var memory = spec.MemoryMb * 1024L * 1024L;
        var labels = new Dictionary<string, string>(spec.ExtraLabels)
        {
            [Labels.Function] = spec.Function,
            [spec.OwnerLabel] = spec.Owner,
            [Labels.Runner] = instance,
        };
        return new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            User = options.User,
            Env = spec.Environment.Select(pair => $"{pair.Key}={pair.Value}").ToList(),
            Cmd = spec.Command?.ToList(),
            Labels = labels,
            AttachStdout = true,
            AttachStderr = true,
            NetworkDisabled = true,
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                ReadonlyRootfs = true,
                Tmpfs = new Dictionary<string, string>
                {
                    ["/tmp"] = string.Create(CultureInfo.InvariantCulture, $"rw,nosuid,nodev,size={options.TmpfsSizeMb}m"),
                },
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                PidsLimit = options.PidsLimit,
                // No file it writes (output or /tmp) may pass the output limit: the write fails and SIGXFSZ stops it.
                Ulimits = [new Ulimit { Name = "fsize", Soft = options.MaxOutputMb * 1024L * 1024L, Hard = options.MaxOutputMb * 1024L * 1024L }],
                Memory = memory,
                MemorySwap = memory,
                NanoCPUs = (long)(spec.Cpus * 1_000_000_000),
                Init = true,
                LogConfig = new LogConfig
                {
                    Type = "json-file",
                    Config = new Dictionary<string, string>
                    {
                        ["max-size"] = string.Create(CultureInfo.InvariantCulture, $"{options.EngineLogMaxMb}m"),
                        ["max-file"] = "1",
                    },
                },
                Mounts = spec.Mounts
                    .Select(mount => new Mount { Type = "bind", Source = mount.Source, Target = mount.Target, ReadOnly = mount.ReadOnly })
                    .ToList(),
            },
        };
    }
}
