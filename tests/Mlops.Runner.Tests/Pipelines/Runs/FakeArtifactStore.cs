using System.Collections.Concurrent;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Runs;

/// <summary>Every artifact is present but those named missing.</summary>
internal sealed class FakeArtifactStore : IArtifactStore
{
    public ConcurrentDictionary<string, bool> Missing { get; } = new();

    public bool ContainsAll(IEnumerable<string> digests) => !digests.Any(Missing.ContainsKey);
}
