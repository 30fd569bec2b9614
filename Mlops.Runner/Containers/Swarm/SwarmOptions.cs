using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;

namespace Mlops.Runner.Containers.Swarm;

/// <summary>The Swarm backend's settings (section <c>Swarm</c>); used when <c>Containers:Backend</c> is <c>Swarm</c>.</summary>
public sealed class SwarmOptions
{
    public const string SectionName = "Swarm";

    /// <summary>
    /// host:port of the registry every node pulls function images from, as each node reaches it. An engine trusts
    /// a plain-HTTP registry on 127.0.0.1 without configuration; any other address needs TLS or the nodes'
    /// insecure-registries setting.
    /// </summary>
    [Required, RegularExpression(@"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")]
    public string Registry { get; set; } = "127.0.0.1:5000";

    /// <summary>
    /// The overlay network function tasks join in place of network none: made internal (no route out) if it is missing,
    /// with nothing else on it.
    /// </summary>
    [Required, RegularExpression("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$")]
    public string Network { get; set; } = "mlops-functions";

    /// <summary>How often a task's state is asked while it runs.</summary>
    [Range(10, 10_000)]
    public int PollMilliseconds { get; set; } = 100;

    /// <summary>
    /// The most a task's input folders (parameters, model, artifacts) may hold: they travel as swarm configs through
    /// the managers' store, in pieces of under 500 KB.
    /// </summary>
    [Range(1, 512)]
    public int MaxInputMb { get; set; } = 64;
}

[OptionsValidator]
internal sealed partial class SwarmOptionsValidator : IValidateOptions<SwarmOptions>;
