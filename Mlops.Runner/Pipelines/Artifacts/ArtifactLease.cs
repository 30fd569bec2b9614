namespace Mlops.Runner.Pipelines;

/// <summary>Artifacts a running step holds: the store does not evict them until the lease is disposed.</summary>
public sealed class ArtifactLease(ArtifactStore store) : IDisposable
{
    private readonly List<string> _held = [];
    private bool _disposed;

    public IReadOnlyList<string> Digests => _held;

    /// <summary>NotFound when <paramref name="mustExist"/> and the artifact is not stored (evicted, or never was).</summary>
    internal void Add(string digest, bool mustExist)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!store.TryHold(digest, mustExist))
        {
            throw RunnerException.NotFound($"the artifact {digest} is no longer stored (evicted: Pipelines:ArtifactsMb); run the step that made it again");
        }

        _held.Add(digest);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var digest in _held)
        {
            store.Release(digest);
        }
    }
}
