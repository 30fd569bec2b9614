using System.Collections.Concurrent;

namespace Mlops.Runner.Containers;

/// <summary>The owners (invocations) whose containers this runner is using right now.</summary>
public sealed class LiveContainers
{
    private readonly ConcurrentDictionary<string, byte> _owners = new(StringComparer.Ordinal);

    public int Count => _owners.Count;

    public void Add(string owner) => _owners[owner] = 0;

    public void Remove(string owner) => _owners.TryRemove(owner, out _);

    public bool Contains(string owner) => _owners.ContainsKey(owner);
}
