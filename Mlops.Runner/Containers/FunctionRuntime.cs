using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Containers;

/// <summary>
/// Function containers on an <see cref="IContainerEngine"/>. Each owner is registered as live before its
/// container exists and released after teardown, so the janitor never removes a container in use and
/// always finds one that teardown could not remove.
/// </summary>
public sealed class FunctionRuntime(
    IContainerEngine engine, LiveContainers live, IOptions<ContainerOptions> options, TimeProvider time, ILogger<FunctionContainer> logger)
    : IFunctionRuntime
{
    private readonly Backoff _backoff = new(options.Value, time);

    public async Task<FunctionContainer> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        live.Add(spec.Owner);
        try
        {
            var container = await FunctionContainer.CreateAsync(spec, engine, _backoff, time, logger, Release, cancellationToken);
            RunnerTelemetry.ActiveContainers.Add(1);
            return container;
        }
        catch (Exception ex) when (ex is RunnerException or OperationCanceledException)
        {
            live.Remove(spec.Owner);
            throw;
        }
    }

    private void Release(FunctionContainer container)
    {
        RunnerTelemetry.ActiveContainers.Add(-1);
        live.Remove(container.Spec.Owner);
    }
}
