using System.ComponentModel.DataAnnotations;

namespace Mlops.Runner.Containers;

public sealed class ContainerOptions
{
    public const string SectionName = "Containers";

    /// <summary>Docker engine endpoint; empty means DOCKER_HOST, then the local unix socket.</summary>
    public string? DockerEndpoint { get; set; }

    /// <summary>uid:gid every function runs as, whatever its image says: never root.</summary>
    [Required, RegularExpression("^[1-9][0-9]{0,9}:[1-9][0-9]{0,9}$")]
    public string User { get; set; } = "10001:10001";

    [Range(8, 100_000)]
    public int PidsLimit { get; set; } = 256;

    [Range(1, 100_000)]
    public int TmpfsSizeMb { get; set; } = 256;

    /// <summary>How long teardown (kill + remove) may take before it is reported as failed.</summary>
    [Range(1, 600)]
    public int TeardownTimeoutSeconds { get; set; } = 30;
}
