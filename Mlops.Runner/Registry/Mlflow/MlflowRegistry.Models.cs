using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Registry.Mlflow;

public sealed partial class MlflowRegistry
{
    private const int PageSize = 200;

    public async Task<ModelVersion> CreateModelVersionAsync(string model, string runId, string artifactPath, CancellationToken cancellationToken)
    {
        try
        {
            await mlflow.PostAsync("registered-models/create", new JsonObject { ["name"] = model }, cancellationToken);
        }
        catch (MlflowException ex) when (ex.IsAlreadyThere)
        {
            // Matched on the code, never the message: the model exists, which is all we need.
        }
        catch (MlflowException ex)
        {
            throw Translate(ex, "model", model);
        }

        // MLflow allocates the number atomically on its side.
        var created = await CallAsync(() => mlflow.PostAsync("model-versions/create", new JsonObject
        {
            ["name"] = model,
            ["source"] = $"runs:/{runId}/{RegistryNames.ArtifactPath(artifactPath)}",
            ["run_id"] = runId,
        }, cancellationToken), "model", model);
        return ToVersion(created["model_version"]!);
    }

    public async Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken cancellationToken)
    {
        var models = new List<RegisteredModel>();
        string? token = null;
        do
        {
            var query = $"registered-models/search?max_results={PageSize}" + (token is null ? "" : $"&page_token={Uri.EscapeDataString(token)}");
            var page = await CallAsync(() => mlflow.GetAsync(query, cancellationToken), "models", "");
            foreach (var model in page["registered_models"] as JsonArray ?? [])
            {
                models.Add(ToModel(model!));
            }

            token = page["next_page_token"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(token));

        return models.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<RegisteredModel> GetModelAsync(string model, CancellationToken cancellationToken)
    {
        var found = await CallAsync(() => mlflow.GetAsync($"registered-models/get?name={Uri.EscapeDataString(model)}", cancellationToken), "model", model);
        return ToModel(found["registered_model"]!);
    }

    public async Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string model, CancellationToken cancellationToken)
    {
        await GetModelAsync(model, cancellationToken);
        var versions = new List<ModelVersion>();
        string? token = null;
        do
        {
            var query = $"model-versions/search?filter={Uri.EscapeDataString($"name='{model}'")}&order_by={Uri.EscapeDataString("version_number DESC")}&max_results={PageSize}"
                        + (token is null ? "" : $"&page_token={Uri.EscapeDataString(token)}");
            var page = await CallAsync(() => mlflow.GetAsync(query, cancellationToken), "model", model);
            versions.AddRange((page["model_versions"] as JsonArray ?? []).Select(v => ToVersion(v!)));
            token = page["next_page_token"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(token));

        // Search answers carry no aliases: take them from the model.
        var aliases = (await GetModelAsync(model, cancellationToken)).Aliases;
        return versions
            .Select(v => v with { Aliases = aliases.Where(a => a.Value == v.Version).Select(a => a.Key).Order(StringComparer.Ordinal).ToList() })
            .OrderByDescending(v => v.Version)
            .ToList();
    }

    public async Task<ModelVersion> GetVersionAsync(string model, int version, CancellationToken cancellationToken)
    {
        try
        {
            var found = await mlflow.GetAsync($"model-versions/get?name={Uri.EscapeDataString(model)}&version={version}", cancellationToken);
            return ToVersion(found["model_version"]!);
        }
        catch (MlflowException ex) when (ex.IsNotFound)
        {
            await GetModelAsync(model, cancellationToken);
            throw RunnerException.NotFound($"model '{model}' has no version {version}");
        }
        catch (MlflowException ex)
        {
            throw Translate(ex, "model", model);
        }
    }

    public async Task<ModelVersion> GetVersionByAliasAsync(string model, string alias, CancellationToken cancellationToken)
    {
        try
        {
            var found = await mlflow.GetAsync($"registered-models/alias?name={Uri.EscapeDataString(model)}&alias={Uri.EscapeDataString(alias)}", cancellationToken);
            return ToVersion(found["model_version"]!);
        }
        catch (MlflowException ex) when (ex.IsNotFound || ex.IsInvalidParameter)
        {
            // A missing alias is a 400 INVALID_PARAMETER_VALUE in MLflow, not a 404.
            await GetModelAsync(model, cancellationToken);
            throw RunnerException.NotFound($"model '{model}' has no alias '@{alias}'");
        }
        catch (MlflowException ex)
        {
            throw Translate(ex, "model", model);
        }
    }

    public async Task SetAliasAsync(string model, string alias, int version, CancellationToken cancellationToken)
    {
        await GetVersionAsync(model, version, cancellationToken);
        await CallAsync(() => mlflow.PostAsync("registered-models/alias", new JsonObject
        {
            ["name"] = model,
            ["alias"] = alias,
            // A JSON string, as MLflow wants it.
            ["version"] = version.ToString(CultureInfo.InvariantCulture),
        }, cancellationToken), "model", model);
    }

    public async Task DeleteAliasAsync(string model, string alias, CancellationToken cancellationToken)
    {
        if (!(await GetModelAsync(model, cancellationToken)).Aliases.ContainsKey(alias))
        {
            throw RunnerException.NotFound($"model '{model}' has no alias '@{alias}'");
        }

        await CallAsync(() => mlflow.DeleteAsync("registered-models/alias", new JsonObject { ["name"] = model, ["alias"] = alias }, cancellationToken), "model", model);
    }

    internal static RegisteredModel ToModel(JsonNode model)
    {
        var name = model["name"]!.GetValue<string>();
        var aliases = (model["aliases"] as JsonArray ?? []).ToDictionary(
            a => a!["alias"]!.GetValue<string>(), a => VersionNumber(a!["version"]!), StringComparer.Ordinal);
        // latest_versions is per stage in MLflow; the newest version overall is the highest number among them.
        var latest = (model["latest_versions"] as JsonArray ?? []).Select(v => VersionNumber(v!["version"]!)).DefaultIfEmpty(0).Max();
        return new RegisteredModel(name, Time(model["creation_timestamp"]) ?? DateTimeOffset.UnixEpoch, Time(model["last_updated_timestamp"]) ?? DateTimeOffset.UnixEpoch, latest, aliases);
    }

    internal static ModelVersion ToVersion(JsonNode version) => new(
        version["name"]!.GetValue<string>(),
        VersionNumber(version["version"]!),
        version["run_id"]?.GetValue<string>() ?? "",
        ArtifactPathOf(version["source"]?.GetValue<string>() ?? ""),
        Time(version["creation_timestamp"]) ?? DateTimeOffset.UnixEpoch,
        (version["aliases"] as JsonArray ?? []).Select(a => a!.GetValue<string>()).Order(StringComparer.Ordinal).ToList());

    /// <summary>Versions are JSON strings in MLflow ("3").</summary>
    internal static int VersionNumber(JsonNode node) =>
        int.Parse(node.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString(), CultureInfo.InvariantCulture);

    /// <summary>runs:/&lt;run&gt;/model or mlflow-artifacts:/1/&lt;run&gt;/artifacts/model -> model.</summary>
    internal static string ArtifactPathOf(string source)
    {
        if (source.StartsWith("runs:/", StringComparison.Ordinal))
        {
            var rest = source["runs:/".Length..];
            var slash = rest.IndexOf('/');
            return slash < 0 ? "" : rest[(slash + 1)..];
        }

        var marker = source.IndexOf("/artifacts/", StringComparison.Ordinal);
        return marker < 0 ? "" : source[(marker + "/artifacts/".Length)..];
    }
}
