using Microsoft.Extensions.Options;
using Mlops.Runner.Capacity;
using Mlops.Runner.Containers;
using Mlops.Runner.Functions;
using Mlops.Runner.Images;
using Mlops.Runner.Invocations;
using Mlops.Runner.Invocations.Pooling;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Reporting;

/// <summary>
/// Gathers the runner's status. Without the engine it is degraded, not down: the rest is still worth having,
/// and the functions are listed without their images.
/// </summary>
public sealed class StatusReporter(
    IContainerEngine engine,
    FunctionCatalog catalog,
    IImageResolver images,
    AdmissionGate gate,
    CapacityBudget budget,
    IModelRegistry registry,
    TrainingOutbox outbox,
    WarmPool pool,
    IOptions<RunnerOptions> options,
    IOptions<CapacityOptions> capacity)
{
    public async Task<StatusReport> ReportAsync(CancellationToken cancellationToken)
    {
        var engineReport = await EngineAsync(cancellationToken);
        var functions = new List<FunctionReport>();
        var pools = pool.Snapshot().ToDictionary(p => p.Function, StringComparer.Ordinal);
        foreach (var entry in await catalog.ListAsync(cancellationToken))
        {
            var function = await FunctionAsync(entry, engineAnswers: engineReport.Error is null, cancellationToken);
            functions.Add(function with { Pool = pools.GetValueOrDefault(entry.Name) });
        }

        return new StatusReport(
            engineReport, registry.Backend, outbox.Count, gate.Running, gate.Queued,
            options.Value.MaxConcurrentInvocations, options.Value.MaxQueueLength, budget.Use, capacity.Value, functions);
    }

    private async Task<EngineReport> EngineAsync(CancellationToken cancellationToken)
    {
        try
        {
            return new EngineReport(await engine.VersionAsync(cancellationToken), Error: null);
        }
        catch (RunnerException ex) when (ex.Kind == ErrorKind.Unavailable)
        {
            return new EngineReport(Version: null, ex.Message);
        }
    }

    private async Task<FunctionReport> FunctionAsync(FunctionEntry entry, bool engineAnswers, CancellationToken cancellationToken)
    {
        // Without the engine, no image can be looked at: the functions are listed all the same.
        if (entry.Manifest is not { } manifest || !engineAnswers)
        {
            return new FunctionReport(entry.Name, entry.Error, Image: null, ImageBuilt: false);
        }

        try
        {
            var (image, built) = await images.DescribeAsync(manifest, cancellationToken);
            return new FunctionReport(entry.Name, entry.Error, image, built);
        }
        catch (RunnerException ex)
        {
            // One function whose folder cannot be built (no Dockerfile, say) is reported, not fatal.
            return new FunctionReport(entry.Name, ex.Message, Image: null, ImageBuilt: false);
        }
    }
}
