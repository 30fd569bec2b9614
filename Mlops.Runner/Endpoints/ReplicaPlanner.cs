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
    IOptions<ContainerOptions> containerOptions)
{
    private readonly string _runRoot = Path.Combine(options.Value.DataPath, RunFolder.Folder);

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

    /// <summary>The primary plan and, when the spec has a canary, the canary's: one function and image for both.</summary>
    public async Task<(ReplicaPlan Primary, ReplicaPlan? Canary)> PlanAsync(EndpointSpec spec, CancellationToken cancellationToken)
    {
        var (manifest, serving) = await ServingFunctionAsync(spec.Function, cancellationToken);
        var version = await ResolveAsync(spec.ModelName, spec.ModelVersion, "model_version", cancellationToken);
        ImageReady? image = null;
        await foreach (var item in images.EnsureAsync(manifest, measureLayers: false, cancellationToken))
        {
            image = item as ImageReady ?? image;
        }

        var primary = new ReplicaPlan(
            spec.Name, manifest, serving, image?.Tag ?? throw new UnreachableException("no image"), version,
            await cache.GetAsync(version, cancellationToken), Canary: false, _runRoot, containerOptions.Value.User);
        if (spec.CanaryModelVersion is not { } canaryReference)
        {
            return (primary, null);
        }

        var canaryVersion = await ResolveAsync(spec.ModelName, canaryReference, "canary_model_version", cancellationToken);
        return (primary, primary with { Version = canaryVersion, ModelDirectory = await cache.GetAsync(canaryVersion, cancellationToken), Canary = true });
    }
}
