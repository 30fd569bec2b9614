using Mlops.Runner.Functions;
using Mlops.Runner.Images;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// A step's cache key (<see cref="CacheKey.Compute"/>): for a function, "&lt;function&gt;@sha256:&lt;its build context's
/// digest&gt;" with its parameters as the run would give them (defaults filled in); for an action, "action:&lt;name&gt;"
/// with what else it depends on: deploy and call, the model version their reference resolves to now; best, its map
/// step's items.
/// </summary>
public sealed class StepKeys(FunctionCatalog catalog, IImageDigests images, IModelRegistry registry, CallAction call)
{
    public async Task<string> KeyAsync(StepWork work, CancellationToken cancellationToken)
    {
        if (work.Step.Kind == StepKind.Function)
        {
            var manifest = await catalog.GetAsync(work.Step.Function, cancellationToken);
            return ForFunction(work, manifest, await images.ContextDigestAsync(manifest, cancellationToken));
        }

        var extra = work.Step.Action switch
        {
            "deploy" => (await DeployAction.ResolveAsync(registry, work, cancellationToken))?.Uri,
            "call" => (await call.ResolveAsync(work, cancellationToken))?.Uri ?? "no endpoint",
            "best" => BestAction.Inputs(work),
            _ => null,
        };
        return ForAction(work, extra);
    }

    public static string ForFunction(StepWork work, FunctionManifest manifest, string contextDigest) =>
        CacheKey.Compute($"{manifest.Name}@{contextDigest}", ParameterValidator.Validate(manifest, work.Parameters), work.InputArtifacts);

    /// <param name="extra">What the action depends on besides its parameters (a resolved model version's URI); null for nothing.</param>
    public static string ForAction(StepWork work, string? extra) =>
        CacheKey.Compute($"action:{work.Step.Action}", work.Parameters, work.InputArtifacts, extra);
}
