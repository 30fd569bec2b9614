using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Functions;
using Mlops.Runner.Invocations.Pooling;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Gets each invocation its container on the runtime (hardened there): a pre-started one from the function's
/// pool when one is ready, handed the invocation through its pipe; else one started for it, as a cold start.
/// </summary>
public sealed class InvocationContainers(
    IFunctionRuntime runtime, WarmPool pool, InvocationPreparation preparation, ModelBinder models, IOptions<ContainerOptions> options, TimeProvider time)
{
    /// <summary>The invocation's container, started, with its input in place; the caller disposes it.</summary>
    public async Task<InvocationContainer> StartAsync(LiveInvocation live, AdmittedInvocation admitted, IInvocationArtifacts? artifacts, CancellationToken cancellationToken)
    {
        if (await TryHandOverAsync(live, admitted, artifacts, cancellationToken) is { } pooled)
        {
            return pooled;
        }

        var manifest = admitted.Manifest;
        var workspace = await preparation.CreateWorkspaceAsync(live.Id, admitted.Parameters, admitted.Model, cancellationToken);
        FunctionContainer? container = null;
        try
        {
            if (artifacts is not null)
            {
                await artifacts.StageAsync(workspace.Input, cancellationToken);
            }

            container = await runtime.CreateAsync(InvocationContainerSpec.For(live, manifest, live.Image.Tag, workspace), cancellationToken);
            await container.StartAsync(manifest.Timeout, cancellationToken);
        }
        catch
        {
            if (container is not null)
            {
                await container.DisposeAsync();
            }

            workspace.Dispose();
            throw;
        }

        return new InvocationContainer(container, live, workspace, options.Value, time);
    }

    /// <summary>
    /// A ready pooled container given this invocation: its parameters, model and artifacts written into the
    /// container's empty input, then its id, trace and done marker's nonce sent down its pipe. Null when the
    /// function has no pool, none is ready, or the one taken died while it waited (it is retired, unused).
    /// </summary>
    private async Task<InvocationContainer?> TryHandOverAsync(LiveInvocation live, AdmittedInvocation admitted, IInvocationArtifacts? artifacts, CancellationToken cancellationToken)
    {
        var manifest = admitted.Manifest;
        if (manifest.Pool is null)
        {
            live.Started(pooled: false);
            return null;
        }

        PoolClaim claim;
        using (var span = RunnerTelemetry.Source.StartActivity("pool claim"))
        {
            claim = await pool.ClaimAsync(manifest, live.Image.Tag, admitted.Model, cancellationToken);
            span?.SetTag(RunnerTelemetry.FaasName, manifest.Name);
            span?.SetTag(RunnerTelemetry.PoolWaitedMs, claim.Waited > TimeSpan.Zero ? claim.Waited.TotalMilliseconds : null);
            span?.SetTag(RunnerTelemetry.PoolMissReason, claim.MissReason);
            span?.SetTag(RunnerTelemetry.ContainerId, claim.Container?.Container?.Id);
        }

        if (claim.Container is not { Container: { } container } taken)
        {
            live.Started(pooled: false);
            return null;
        }

        var mark = Stopwatch.GetTimestamp();
        var handed = false;
        try
        {
            using (var span = RunnerTelemetry.Source.StartActivity("pool hand-over"))
            {
                span?.SetTag(RunnerTelemetry.FaasName, manifest.Name);
                span?.SetTag(RunnerTelemetry.ContainerId, container.Id);
                if (container.Claim(live.Id, live.Activity?.Context ?? default, manifest.Timeout))
                {
                    await taken.Workspace.WriteParametersAsync(admitted.Parameters, cancellationToken);
                    if (admitted.Model is { Version: { } version } model && !PooledContainer.Same(taken.Model, version))
                    {
                        // Its model arrives after its start: another one it was given goes first (the SDK loads again).
                        var folder = Path.Combine(taken.Workspace.Input, ModelBinding.Folder);
                        if (Directory.Exists(folder))
                        {
                            Directory.Delete(folder, recursive: true);
                        }

                        await models.StageAsync(model, taken.Workspace.Input, cancellationToken);
                    }

                    if (artifacts is not null)
                    {
                        await artifacts.StageAsync(taken.Workspace.Input, cancellationToken);
                    }

                    var nonce = RandomNumberGenerator.GetHexString(32, lowercase: true);
                    var traceparent = live.Activity is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : "-";
                    handed = taken.Pipe.Send($"{live.Id} {traceparent} {nonce}");
                    if (handed)
                    {
                        live.Started(pooled: true, handover: Stopwatch.GetElapsedTime(mark));
                        return new InvocationContainer(container, live, taken.Workspace, options.Value, time, new InvocationContainer.Pooled(pool, taken, new DoneMarker(nonce)));
                    }
                }

                span?.RecordError("container_gone");
            }
        }
        finally
        {
            if (!handed)
            {
                pool.Retire(taken, kill: true);
            }
        }

        // It died while it waited: its files go with it, and the invocation starts its own container.
        live.Started(pooled: false);
        return null;
    }
}
