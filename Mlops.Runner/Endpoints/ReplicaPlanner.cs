using System.Diagnostics;
using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Functions;
using Mlops.Runner.Images;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Endpoints;

/// <summary>
/// Turns an endpoint's spec into the plans its replicas start from: the serving function's current image,
/// the model version its reference names now (so a moved alias gives a new plan), and that version's files.
/// </summary>
public sealed class ReplicaPlanner(
    FunctionCatalog catalog,
    IImageResolver images,
    IModelRegistry registry,
    ModelCache cache,
    IOptions<RunnerOptions> options,
    IOptions<ContainerOptions> containerOptions,
    IHostEnvironment environment)
{
    private readonly string _runRoot = Path.Combine(Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.DataPath)), "replicas");

    /// <summary>The function, checked to be one that serves.</summary>
    public async Task<(FunctionManifest Manifest, ServingSpec Serving)> ServingFunctionAsync(string function, CancellationToken cancellationToken)
    {
        var manifest = await catalog.GetAsync(function, cancellationToken);
        return manifest.Serving is { } serving
            ? (manifest, serving)
            : throw RunnerException.FailedPrecondition($"function '{manifest.Name}' does not serve: its function.json has no \"serving\" block");
    }

    public async Task<ModelVersion> ResolveAsync(string model, string reference, string field, CancellationToken cancellationToken)
    {
        var (uriModel, version) = VersionReference.Parse(reference, field);
        return await version.ResolveAsync(registry, uriModel ?? model, cancellationToken);
    }

    public async Task<ReplicaPlan> PlanAsync(EndpointSpec spec, bool canary, CancellationToken cancellationToken)
    {
        var (manifest, serving) = await ServingFunctionAsync(spec.Function, cancellationToken);
        var reference = canary ? spec.CanaryModelVersion! : spec.ModelVersion;
        var version = await ResolveAsync(spec.ModelName, reference, canary ? "canary_model_version" : "model_version", cancellationToken);
        ImageReady? image = null;
        await foreach (var item in images.EnsureAsync(manifest, measureLayers: false, cancellationToken))
        {
            image = item as ImageReady ?? image;
        }

        var model = await cache.GetAsync(version, cancellationToken);
        return new ReplicaPlan(
            spec.Name, manifest, serving, image?.Tag ?? throw new UnreachableException("no image"), version, model, canary, _runRoot, containerOptions.Value.User,
            Activity.Current?.Context ?? default);
    }
}
