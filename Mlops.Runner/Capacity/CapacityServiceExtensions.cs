using Microsoft.Extensions.Options;

namespace Mlops.Runner.Capacity;

public static class CapacityServiceExtensions
{
    public static IServiceCollection AddCapacity(this IServiceCollection services)
    {
        services.AddOptions<CapacityOptions>().BindConfiguration(CapacityOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CapacityOptions>, CapacityOptionsValidator>();
        services.AddSingleton<CapacityBudget>();
        services.AddSingleton<EndpointQuotas>();
        return services;
    }
}

/// <summary>The options' data annotations, checked by code generated at build time (the runner is compiled ahead of time).</summary>
[OptionsValidator]
internal sealed partial class CapacityOptionsValidator : IValidateOptions<CapacityOptions>;
