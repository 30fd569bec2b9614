using System.Diagnostics;
using System.Text.Json.Nodes;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Functions;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Decides whether an invocation may run, before anything of it exists: the function, its parameters, room on
/// the disk, the model it consumes or produces, a place in the gate, and where its callback may go. Each
/// refusal is a <see cref="RunnerException"/>.
/// </summary>
public sealed class InvocationAdmission(FunctionCatalog catalog, DiskGuard disk, ModelBinder models, AdmissionGate gate, InvocationCallbacks callbacks)
{
    public Task<FunctionManifest> FindAsync(string? function, CancellationToken cancellationToken) => catalog.GetAsync(function, cancellationToken);

    /// <summary>Admits the invocation under its <paramref name="activity"/>; a refusal is recorded on the span, which then ends.</summary>
    public async Task<AdmittedInvocation> AdmitAsync(
        FunctionManifest manifest, JsonObject? parameters, string? key, Activity? activity, CancellationToken cancellationToken)
    {
        try
        {
            var validated = ParameterValidator.Validate(manifest, parameters);
            disk.EnsureRoom();
            var model = await models.BindAsync(manifest, validated, cancellationToken);
            return new AdmittedInvocation(manifest, validated, model, gate.Enter(manifest.MemoryMb, key), activity);
        }
        catch (Exception ex)
        {
            if (ex is RunnerException refusal)
            {
                activity?.RecordError(refusal.Kind.ToString(), refusal);
            }

            activity?.Dispose();
            throw;
        }
    }

    /// <summary>Where an asynchronous invocation's outcome may be posted; null for nowhere.</summary>
    public Uri? Callback(string? url) => callbacks.Validate(url);
}
