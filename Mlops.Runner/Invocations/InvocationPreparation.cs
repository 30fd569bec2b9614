using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Functions;
using Mlops.Runner.Images;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Invocations;

/// <summary>What an admitted invocation needs before its container starts: its image (built when there is none) and its workspace.</summary>
public sealed class InvocationPreparation(IImageResolver images, ModelBinder models, Workspaces workspaces, TimeProvider time)
{
    /// <summary>The image's progress as the invocation reports it; once resolved, the image is the live invocation's.</summary>
    public async IAsyncEnumerable<InvocationEvent> ResolveImageAsync(
        LiveInvocation live, FunctionManifest manifest, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var queued = live.Elapsed;
        ImageReady? image = null;
        // Parent of the build span when there is one: a cold start shows as resolve image > build {function}.
        using (var span = RunnerTelemetry.Source.StartActivity("resolve image"))
        {
            span?.SetTag(RunnerTelemetry.FaasName, manifest.Name);
            await foreach (var item in images.EnsureAsync(manifest, measureLayers: false, cancellationToken))
            {
                image = item as ImageReady ?? image;
                yield return item switch
                {
                    ImageBuildStarted started => new InvocationBuildLog($"building image {started.Tag}", time.GetUtcNow()),
                    ImageBuildLine line => new InvocationBuildLog(line.Line, line.Time),
                    ImageReady ready => new InvocationImageResolved(ready.Tag, ready.CacheHit),
                    _ => throw new UnreachableException(item.GetType().Name),
                };
            }

            span?.SetTag(RunnerTelemetry.ContainerImageName, image?.Tag);
            span?.SetTag(RunnerTelemetry.CacheHit, image?.CacheHit);
        }

        live.ImageResolved(image ?? throw new UnreachableException("image resolution ended without an image"), queued);
    }

    /// <summary>The invocation's two folders: its parameters in the input, and the model it consumes beside them.</summary>
    public async Task<Workspace> CreateWorkspaceAsync(string invocationId, JsonObject parameters, ModelBinding? model, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.CreateAsync(invocationId, parameters, cancellationToken);
        try
        {
            if (model is not null)
            {
                await models.StageAsync(model, workspace.Input, cancellationToken);
            }

            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }
}
