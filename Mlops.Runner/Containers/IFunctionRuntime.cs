namespace Mlops.Runner.Containers;

/// <summary>
/// Where function containers come from: the seam a cluster backend would sit behind. Everything a
/// caller does with a container goes through the returned handle; disposing it is the teardown.
/// </summary>
public interface IFunctionRuntime
{
    /// <summary>Creates the hardened container for <paramref name="spec"/>, attached and ready to start.</summary>
    Task<FunctionContainer> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken);
}
