using Mlops.ServiceDefaults.Protobuf;
using Mlops.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using Mlops.Runner.Capacity;
using Mlops.Runner.Functions;
using Mlops.Runner.Images;
using Docker.DotNet;
using Microsoft.Extensions.Options;
using Mlops.Runner.Invocations;
using Mlops.Runner.Registry;
using Mlops.V1;

namespace Mlops.Runner.Grpc;

/// <summary>The Runner API: maps the wire to the pipeline and back; errors are mapped by <see cref="ErrorInterceptor"/>.</summary>
public sealed class RunnerService(
    FunctionCatalog catalog,
    ImageService images,
    InvocationConductor conductor,
    InvocationStore store,
    InvocationWatch watch,
    AdmissionGate gate,
    CapacityBudget budget,
    IDockerClient docker,
    IModelRegistry registry,
    TrainingOutbox outbox,
    IOptions<RunnerOptions> options,
    IOptions<CapacityOptions> capacity) : V1.Runner.RunnerBase
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 1000;

    [Authorize(Policy = Permissions.Read)]
    public override async Task<ListFunctionsResponse> ListFunctions(ListFunctionsRequest request, ServerCallContext context)
    {
        var response = new ListFunctionsResponse();
        response.Functions.AddRange((await catalog.ListAsync(context.CancellationToken)).Select(ProtoMapper.ToProto));
        return response;
    }

    [Authorize(Policy = Permissions.Admin)]
    public override async Task BuildImage(BuildImageRequest request, IServerStreamWriter<BuildEvent> responseStream, ServerCallContext context)
    {
        var manifest = await catalog.GetAsync(request.Function, context.CancellationToken);
        await foreach (var item in images.EnsureAsync(manifest, measureLayers: true, context.CancellationToken))
        {
            await responseStream.WriteAsync(ProtoMapper.ToProto(item), context.CancellationToken);
        }
    }

    // Counted per key by the admission gate (Capacity:InvocationsPerKey) until the invocation ends, not while the call lasts.
    [Authorize(Policy = Permissions.Invoke)]
    public override async Task Invoke(InvokeRequest request, IServerStreamWriter<InvokeEvent> responseStream, ServerCallContext context)
    {
        var parameters = StructMapper.ToJson(request.Parameters);
        await foreach (var item in conductor.InvokeAsync(request.Function, parameters, Callers.Of(context).KeyId, context.CancellationToken))
        {
            await responseStream.WriteAsync(ProtoMapper.ToProto(item), context.CancellationToken);
        }
    }

    [Authorize(Policy = Permissions.Invoke)]
    public override async Task<InvokeAsyncResponse> InvokeAsync(InvokeRequest request, ServerCallContext context)
    {
        var id = await conductor.StartAsync(request.Function, StructMapper.ToJson(request.Parameters), request.CallbackUrl, Callers.Of(context).KeyId, context.CancellationToken);
        return new InvokeAsyncResponse { Status = "accepted", InvocationId = id };
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task<Invocation> GetInvocation(GetInvocationRequest request, ServerCallContext context)
    {
        var wait = request.Wait?.ToTimeSpan() ?? TimeSpan.Zero;
        if (wait < TimeSpan.Zero)
        {
            throw RunnerException.InvalidArgument("wait", "must not be negative");
        }

        return ProtoMapper.ToProto(await watch.GetAsync(request.Id, wait, context.CancellationToken));
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task WatchInvocation(WatchInvocationRequest request, IServerStreamWriter<InvokeEvent> responseStream, ServerCallContext context)
    {
        await foreach (var item in watch.WatchAsync(request.Id, context.CancellationToken))
        {
            await responseStream.WriteAsync(ProtoMapper.ToProto(item), context.CancellationToken);
        }
    }

    [Authorize(Policy = Permissions.Read)]
    public override Task<ListInvocationsResponse> ListInvocations(ListInvocationsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw RunnerException.InvalidArgument("page_size", $"must be between 0 and {MaxPageSize}");
        }

        var function = string.IsNullOrEmpty(request.Function) ? null : FunctionName.Validate(request.Function);
        var response = new ListInvocationsResponse();
        response.Invocations.AddRange(store.List(function, request.PageSize == 0 ? DefaultPageSize : request.PageSize).Select(ProtoMapper.ToProto));
        return Task.FromResult(response);
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task<RunnerStatus> GetStatus(GetStatusRequest request, ServerCallContext context)
    {
        var status = new RunnerStatus
        {
            RegistryBackend = registry.Backend,
            OutboxTrainings = outbox.Count,
            RunningInvocations = gate.Running,
            QueuedInvocations = gate.Queued,
            MaxConcurrentInvocations = options.Value.MaxConcurrentInvocations,
            MaxQueueLength = options.Value.MaxQueueLength,
            Capacity = CapacityMapper.ToProto(budget.Use, capacity.Value),
        };
        try
        {
            var version = await docker.System.GetVersionAsync(context.CancellationToken);
            (status.DockerVersion, status.DockerApiVersion) = (version.Version, version.APIVersion);
        }
        catch (Exception ex) when (EngineFailures.IsEngineFailure(ex))
        {
            // Degraded, not down: the rest of the status is still worth having.
            status.DockerError = EngineFailures.Unavailable(docker, ex).Message;
        }

        foreach (var entry in await catalog.ListAsync(context.CancellationToken))
        {
            var function = new FunctionStatus { Name = entry.Name, ManifestError = entry.Error ?? "" };
            // Without the engine, no image can be looked at: the functions are listed all the same.
            if (entry.Manifest is { } manifest && status.DockerError.Length == 0)
            {
                try
                {
                    (function.Image, function.ImageBuilt) = await images.DescribeAsync(manifest, context.CancellationToken);
                }
                catch (RunnerException ex)
                {
                    // One function whose folder cannot be built (no Dockerfile, say) is reported, not fatal.
                    function.ManifestError = ex.Message;
                }
            }

            status.Functions.Add(function);
        }

        return status;
    }
}
