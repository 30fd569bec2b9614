using Mlops.Runner.Functions;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Invocations.Pooling;

/// <summary>
/// One function's pool as the last invocation described it (its manifest, its image, the model most calls
/// consume) and the containers started for it. Guarded by the warm pool's lock.
/// </summary>
internal sealed class FunctionPool(FunctionManifest manifest, string image)
{
    private readonly Queue<DateTimeOffset> _claims = new();

    public FunctionManifest Manifest { get; set; } = manifest;

    /// <summary>The image its invocations resolve to now; containers of any other are retired, never claimed.</summary>
    public string Image { get; set; } = image;

    /// <summary>The model the last invocation consumed: what new containers get before they start.</summary>
    public ModelBinding? HotModel { get; set; }

    public PoolDemand Demand { get; } = new();

    public List<PooledContainer> Containers { get; } = [];

    /// <summary>Claims waiting for a container being started.</summary>
    public int Waiting { get; set; }

    /// <summary>Fills that failed in a row; fills pause longer after each.</summary>
    public int Failures { get; set; }

    public DateTimeOffset PausedUntil { get; set; }

    public int Ready => Containers.Count(c => c.State == PooledState.Ready);

    public int Starting => Containers.Count(c => c.State == PooledState.Starting);

    public void Claimed(DateTimeOffset now)
    {
        _claims.Enqueue(now);
        ClaimedLastMinute(now);
    }

    public int ClaimedLastMinute(DateTimeOffset now)
    {
        while (_claims.TryPeek(out var oldest) && now - oldest > TimeSpan.FromMinutes(1))
        {
            _claims.Dequeue();
        }

        return _claims.Count;
    }
}
