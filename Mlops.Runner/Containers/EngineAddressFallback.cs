using Microsoft.Extensions.Options;

namespace Mlops.Runner.Containers;

/// <summary>
/// Containers:EngineAddress was called Containers:DockerEndpoint ("endpoint" now means a serving endpoint only):
/// a configuration that still says the old name keeps working.
/// </summary>
internal sealed class EngineAddressFallback(IConfiguration configuration) : IPostConfigureOptions<ContainerOptions>
{
    public const string OldKey = $"{ContainerOptions.SectionName}:DockerEndpoint";

    public void PostConfigure(string? name, ContainerOptions options)
    {
        if (string.IsNullOrEmpty(options.EngineAddress))
        {
            options.EngineAddress = configuration[OldKey];
        }
    }
}
