using Mlops.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Gateway.Forwarding;

/// <summary>The Registry service as REST/JSON, forwarded to the runner.</summary>
public sealed class RegistryForwarder(Registry.RegistryClient registry) : Registry.RegistryBase
{
    [Authorize(Policy = Permissions.Read)]
    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => registry.ListModelsAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task<RegisteredModel> GetModel(GetModelRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => registry.GetModelAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task<ListModelVersionsResponse> ListModelVersions(ListModelVersionsRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => registry.ListModelVersionsAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Admin)]
    public override Task<ModelVersion> SetModelAlias(SetModelAliasRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => registry.SetModelAliasAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Admin)]
    public override Task<DeleteModelAliasResponse> DeleteModelAlias(DeleteModelAliasRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => registry.DeleteModelAliasAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task<ListRunsResponse> ListRuns(ListRunsRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => registry.ListRunsAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task<Run> GetRun(GetRunRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => registry.GetRunAsync(request, Relay.Options(context)).ResponseAsync);
}
