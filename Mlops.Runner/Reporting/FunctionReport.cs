using Mlops.Runner.Invocations.Pooling;

namespace Mlops.Runner.Reporting;

/// <param name="Error">Why the function cannot be invoked (its manifest, or a folder that cannot be built); null when it can.</param>
/// <param name="Image">The tag its current contents build to; null when that could not be looked at.</param>
public sealed record FunctionReport(string Name, string? Error, string? Image, bool ImageBuilt)
{
    /// <summary>Its warm pool; null when it has none now.</summary>
    public PoolStatus? Pool { get; init; }
}
