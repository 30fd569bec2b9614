using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Gateway.Tests.Hosting;

/// <summary>The runner's four services as a peer that answers what its script says: enough to test translation.</summary>
public sealed class FakeRunnerService(RunnerScript script) : V1.Runner.RunnerBase
{
    public override Task<ListFunctionsResponse> ListFunctions(ListFunctionsRequest request, ServerCallContext context)
    {
        script.Answering(nameof(ListFunctions), request, context);
        return Task.FromResult(new ListFunctionsResponse { Functions = { new Function { Name = "train", TimeoutSeconds = 60 } } });
    }

    public override async Task Invoke(InvokeRequest request, IServerStreamWriter<InvokeEvent> responseStream, ServerCallContext context)
    {
        script.Answering(nameof(Invoke), request, context);
        foreach (var item in script.Invoke(request))
        {
            await responseStream.WriteAsync(item, context.CancellationToken);
        }
    }

    public override Task<InvokeAsyncResponse> InvokeAsync(InvokeRequest request, ServerCallContext context)
    {
        script.Answering(nameof(InvokeAsync), request, context);
        return Task.FromResult(new InvokeAsyncResponse { InvocationId = "inv-1" });
    }

    public override Task<Invocation> GetInvocation(GetInvocationRequest request, ServerCallContext context)
    {
        script.Answering(nameof(GetInvocation), request, context);
        return Task.FromResult(new Invocation { Id = request.Id, Function = "train" });
    }
}

public sealed class FakeRegistryService(RunnerScript script) : Registry.RegistryBase
{
    public override Task<RegisteredModel> GetModel(GetModelRequest request, ServerCallContext context)
    {
        script.Answering(nameof(GetModel), request, context);
        return Task.FromResult(new RegisteredModel { Name = request.Name, LatestVersion = 3 });
    }

    public override Task<ModelVersion> SetModelAlias(SetModelAliasRequest request, ServerCallContext context)
    {
        script.Answering(nameof(SetModelAlias), request, context);
        return Task.FromResult(new ModelVersion { Name = request.Name, Version = request.Version, Aliases = { request.Alias } });
    }
}

public sealed class FakeKeysService(RunnerScript script) : V1.Keys.KeysBase
{
    public override Task<CreatedKey> CreateKey(CreateKeyRequest request, ServerCallContext context)
    {
        script.Answering(nameof(CreateKey), request, context);
        return Task.FromResult(new CreatedKey { Key = new ApiKey { Id = "k1", Name = request.Name, Role = request.Role }, Secret = "mlops_secret" });
    }

    public override Task<ApiKey> RevokeKey(RevokeKeyRequest request, ServerCallContext context)
    {
        script.Answering(nameof(RevokeKey), request, context);
        return Task.FromResult(new ApiKey { Id = request.Id, RevokeTime = Timestamp.FromDateTime(DateTime.UnixEpoch) });
    }
}

/// <summary>The control plane's side of serving: a watch that replays the script's endpoints, and load reports taken.</summary>
public sealed class FakeEndpointsService(RunnerScript script) : Endpoints.EndpointsBase
{
    public override Task<V1.Endpoint> GetEndpoint(GetEndpointRequest request, ServerCallContext context)
    {
        script.Answering(nameof(GetEndpoint), request, context);
        return Task.FromResult(script.Endpoints.FirstOrDefault(e => e.Name == request.Name)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"there is no endpoint '{request.Name}'")));
    }

    public override async Task WatchEndpoints(WatchEndpointsRequest request, IServerStreamWriter<EndpointEvent> responseStream, ServerCallContext context)
    {
        foreach (var endpoint in script.Endpoints)
        {
            await responseStream.WriteAsync(new EndpointEvent { Endpoint = endpoint, Snapshot = true }, context.CancellationToken);
        }

        await responseStream.WriteAsync(new EndpointEvent { SnapshotDone = true }, context.CancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The gateway stopped watching: the stream ends.
        }
    }

    public override Task<ReportLoadResponse> ReportLoad(LoadReport request, ServerCallContext context) => Task.FromResult(new ReportLoadResponse());
}
