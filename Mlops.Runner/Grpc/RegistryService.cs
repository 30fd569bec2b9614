using Mlops.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using Mlops.Runner.Registry;
using Mlops.V1;

namespace Mlops.Runner.Grpc;

/// <summary>The Registry API over whichever backend is configured; errors are mapped by <see cref="ErrorInterceptor"/>.</summary>
public sealed class RegistryService(IModelRegistry registry) : V1.Registry.RegistryBase
{
    [Authorize(Policy = Permissions.Read)]
    public override async Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var response = new ListModelsResponse();
        response.Models.AddRange((await registry.ListModelsAsync(context.CancellationToken)).Select(RegistryMapper.ToProto));
        return response;
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task<V1.RegisteredModel> GetModel(GetModelRequest request, ServerCallContext context) =>
        RegistryMapper.ToProto(await registry.GetModelAsync(RegistryNames.Model(request.Name, "name"), context.CancellationToken));

    [Authorize(Policy = Permissions.Read)]
    public override async Task<ListModelVersionsResponse> ListModelVersions(ListModelVersionsRequest request, ServerCallContext context)
    {
        var versions = await registry.ListVersionsAsync(RegistryNames.Model(request.Name, "name"), context.CancellationToken);
        var response = new ListModelVersionsResponse();
        foreach (var version in versions)
        {
            response.Versions.Add(await WithMetricsAsync(version, context.CancellationToken));
        }

        return response;
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

        await registry.SetAliasAsync(name, alias, request.Version, context.CancellationToken);
        return await WithMetricsAsync(await registry.GetVersionAsync(name, request.Version, context.CancellationToken), context.CancellationToken);
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
        var response = new ListRunsResponse();
        response.Runs.AddRange(runs.Select(run => RegistryMapper.ToProto(run, [])));
        return response;
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task<Run> GetRun(GetRunRequest request, ServerCallContext context)
    {
        var id = RegistryNames.RunId(request.Id, "id");
        var run = await registry.GetRunAsync(id, context.CancellationToken);
        return RegistryMapper.ToProto(run, await registry.ListArtifactsAsync(id, "", context.CancellationToken));
    }

    /// <summary>
    /// A version with its run's metrics, whichever call answers with it: neither backend keeps metrics on a
    /// version (MLflow has none there), so they always come from the run.
    /// </summary>
    private async Task<V1.ModelVersion> WithMetricsAsync(Registry.ModelVersion version, CancellationToken cancellationToken) =>
        RegistryMapper.ToProto(version, (await registry.GetRunAsync(version.RunId, cancellationToken)).Metrics);
}
