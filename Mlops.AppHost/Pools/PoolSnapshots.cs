using System.Globalization;
using Mlops.V1;

namespace Mlops.AppHost.Pools;

/// <summary>How a function's warm pool reads in the dashboard: its size now, what is ready, and how much it is used.</summary>
public static class PoolSnapshots
{
    public static CustomResourceSnapshot Pool(CustomResourceSnapshot previous, string function, PoolStatus pool) => previous with
    {
        ResourceType = FunctionPoolResource.Type,
        State = pool.Ready > 0
            ? new ResourceStateSnapshot("Ready", KnownResourceStateStyles.Success)
            : new ResourceStateSnapshot(pool.Starting > 0 ? "Starting" : "Empty", KnownResourceStateStyles.Info),
        IsHidden = false,
        Properties =
        [
            new(CustomResourceKnownProperties.Source, $"{function}: {pool.Ready} ready of {pool.Target}"),
            new("pool.function", function) { DisplayName = "Function" },
            new("pool.target", pool.Target) { DisplayName = "Size (from recent demand)", IsHighlighted = true },
            new("pool.ready", pool.Ready) { DisplayName = "Containers ready", IsHighlighted = true },
            new("pool.starting", pool.Starting) { DisplayName = "Containers starting" },
            new("pool.claimedPerMinute", pool.ClaimedLastMinute) { DisplayName = "Claimed in the last minute", IsHighlighted = true },
            new("pool.fillTime", string.Create(CultureInfo.InvariantCulture, $"{pool.FillTime?.ToTimeSpan().TotalMilliseconds ?? 0:F0} ms"))
            {
                DisplayName = "Time to start a replacement",
            },
        ],
    };

    /// <summary>A pool the runner no longer reports: the function has been idle, and its containers are gone.</summary>
    public static CustomResourceSnapshot Emptied(CustomResourceSnapshot previous) => previous with
    {
        State = new ResourceStateSnapshot("Idle (no containers)", KnownResourceStateStyles.Info),
        Properties = [.. previous.Properties.Where(p => p.Name is not ("pool.ready" or "pool.starting" or "pool.target")),
            new("pool.target", 0) { DisplayName = "Size (from recent demand)", IsHighlighted = true },
            new("pool.ready", 0) { DisplayName = "Containers ready", IsHighlighted = true },
            new("pool.starting", 0) { DisplayName = "Containers starting" }],
    };
}
