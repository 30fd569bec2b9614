using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Invocations.Pooling;

/// <summary>
/// The warm pools of functions that declare one ("pool" in function.json): whether there are any, how long an
/// idle function keeps its pool, and how much of the machine's budget pre-started containers may hold.
/// </summary>
public sealed class PoolOptions
{
    public const string SectionName = "Pool";

    /// <summary>False: every invocation starts its own container, as if no function declared a pool.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a function's pool is kept after its last invocation, unless its pool block says otherwise.</summary>
    [Range(1, 86_400)]
    public int IdleSeconds { get; set; } = 300;

    /// <summary>The share of the capacity budget (containers and memory) pre-started containers may hold together.</summary>
    [Range(0.0, 1.0)]
    public double MaxBudgetShare { get; set; } = 0.5;

    /// <summary>Containers being started for pools at once, over all functions; 0: one per core.</summary>
    [Range(0, 64)]
    public int MaxConcurrentFills { get; set; }

    /// <summary>How often a starting container is asked whether it waits for its hand-over yet.</summary>
    [Range(1, 1_000)]
    public int ProbeMilliseconds { get; set; } = 5;

    public int FillLimit => MaxConcurrentFills > 0 ? MaxConcurrentFills : Environment.ProcessorCount;
}

/// <summary>The options' data annotations, checked by code generated at build time (the runner is compiled ahead of time).</summary>
[OptionsValidator]
internal sealed partial class PoolOptionsValidator : IValidateOptions<PoolOptions>;
