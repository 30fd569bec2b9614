namespace Mlops.AppHost.Hosting;

/// <summary>A host folder (bind mount) or a named volume, mounted at <paramref name="Target"/> in a container.</summary>
public sealed record ContainerMount(string Source, string Target, bool IsVolume, bool IsReadOnly);
