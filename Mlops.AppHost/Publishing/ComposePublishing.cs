using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mlops.AppHost.Hosting;

namespace Mlops.AppHost.Publishing;

/// <summary>
/// `publish` writes the app as docker-compose: a step of Aspire's publish pipeline, over Aspire's app model, for
/// as long as Aspire.Hosting.Docker (which would do this) cannot be had here.
/// </summary>
// Aspire's publish pipeline is marked for evaluation; it is what `aspire publish` and Aspire.Hosting.Docker use.
#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004
public static class ComposePublishing
{
    public const string StepName = "publish-compose";

    public static IDistributedApplicationBuilder AddComposePublishing(this IDistributedApplicationBuilder builder)
    {
        var root = builder.RepositoryRoot();
        builder.Pipeline.AddStep(StepName, async step =>
        {
            var outputs = step.Services.GetRequiredService<IPipelineOutputService>();
            LeaveNoTempFolder(outputs.GetTempDirectory(), step.Services.GetRequiredService<IHostApplicationLifetime>());
            var output = outputs.GetOutputDirectory();
            var file = await ComposePublisher.PublishAsync(step.Model, step.ExecutionContext, output, root, step.CancellationToken);
            step.Logger.LogInformation("Wrote {File} and .env", file);
        }, requiredBy: WellKnownPipelineSteps.Publish);
        return builder;
    }

    /// <summary>
    /// Aspire makes a temporary folder for every pipeline run and leaves it behind; this publish puts nothing in it,
    /// so it goes when the app stops, unless something else has used it by then.
    /// </summary>
    private static void LeaveNoTempFolder(string folder, IHostApplicationLifetime lifetime) =>
        lifetime.ApplicationStopped.Register(() =>
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                Directory.Delete(folder);
        });
}
