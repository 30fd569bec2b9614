using Mlops.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using Mlops.Runner.Registry;
using Mlops.V1;

namespace Mlops.Runner.Grpc;

/// <summary>The Registry API over whichever backend is configured; errors are mapped by <see cref="ErrorInterceptor"/>.</summary>
public sealed class RegistryService(IModelRegistry registry, ModelVersions versions) : V1.Registry.RegistryBase
{
    [Authorize(Policy = Permissions.Read)]
    public override async Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context) =>
        new() { Models = { (await registry.ListModelsAsync(context.CancellationToken)).Select(RegistryMapper.ToProto) } };

    [Authorize(Policy = Permissions.Read)]
    public override async Task<V1.RegisteredModel> GetModel(GetModelRequest request, ServerCallContext context) =>
        RegistryMapper.ToProto(await registry.GetModelAsync(RegistryNames.Model(request.Name, "name"), context.CancellationToken));

    [Authorize(Policy = Permissions.Read)]
    public override async Task<ListModelVersionsResponse> ListModelVersions(ListModelVersionsRequest request, ServerCallContext context)
    {
        var listed = await versions.ListAsync(RegistryNames.Model(request.Name, "name"), context.CancellationToken);
        return new ListModelVersionsResponse { Versions = { listed.Select(RegistryMapper.ToProto) } };
    }

    [Authorize(Policy = Permissions.Admin)]
    public override async Task<V1.ModelVersion> SetModelAlias(SetModelAliasRequest request, ServerCallContext context)
    {
        var name = RegistryNames.Model(request.Name, "name");
        var alias = RegistryNames.Alias(request.Alias, "alias");
        if (request.Version <= 0)
        {
            throw RunnerException.InvalidArgument("version", "must be a version number (1 or more)");
        }

        return RegistryMapper.ToProto(await versions.SetAliasAsync(name, alias, request.Version, context.CancellationToken));
    }

    [Authorize(Policy = Permissions.Admin)]
    public override async Task<DeleteModelAliasResponse> DeleteModelAlias(DeleteModelAliasRequest request, ServerCallContext context)
    {
        await registry.DeleteAliasAsync(RegistryNames.Model(request.Name, "name"), RegistryNames.Alias(request.Alias, "alias"), context.CancellationToken);
        return new DeleteModelAliasResponse();
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task<ListRunsResponse> ListRuns(ListRunsRequest request, ServerCallContext context)
    {
        var pageSize = RequestFields.PageSize(request.PageSize);
        var runs = await registry.ListRunsAsync(RequestFields.OptionalName(request.Experiment, "experiment"), pageSize, context.CancellationToken);
        return new ListRunsResponse { Runs = { runs.Select(run => RegistryMapper.ToProto(run, [])) } };
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task<Run> GetRun(GetRunRequest request, ServerCallContext context)
    {
        var id = RegistryNames.RunId(request.Id, "id");
        var run = await registry.GetRunAsync(id, context.CancellationToken);
        return RegistryMapper.ToProto(run, await registry.ListArtifactsAsync(id, "", context.CancellationToken));
    }
}
