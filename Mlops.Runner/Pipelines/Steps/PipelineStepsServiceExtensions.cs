using Microsoft.Extensions.Options;
using Mlops.Runner.Images;

namespace Mlops.Runner.Pipelines;

public static class PipelineStepsServiceExtensions
{
    /// <summary>What runs one step of a pipeline (<see cref="IStepExecutor"/>) and the artifacts steps pass (<see cref="IArtifactStore"/>).</summary>
    public static IServiceCollection AddPipelineSteps(this IServiceCollection services)
    {
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();
        services.AddSingleton<ArtifactStore>();
        services.AddSingleton<IArtifactStore>(sp => sp.GetRequiredService<ArtifactStore>());
        services.AddSingleton<IImageDigests>(sp => sp.GetRequiredService<ImageService>());
        services.AddSingleton<FunctionStep>();
        services.AddSingleton<RegisterAction>();
        services.AddSingleton<AliasAction>();
        services.AddSingleton<DeployAction>();
        services.AddSingleton<CallAction>();
        services.AddSingleton<StepKeys>();
        services.AddSingleton<IStepExecutor, StepExecutor>();
        return services;
    }
}

[OptionsValidator]
internal sealed partial class PipelineOptionsValidator : IValidateOptions<PipelineOptions>;
