namespace Mlops.Runner.Containers;

/// <summary>The engine's own version, and the version of its API the runner speaks with it.</summary>
public sealed record EngineVersion(string Version, string ApiVersion)
{
    public override string ToString() => $"{Version} (API {ApiVersion})";
}
