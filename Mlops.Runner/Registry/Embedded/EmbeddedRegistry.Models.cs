using Microsoft.Data.Sqlite;

namespace Mlops.Runner.Registry.Embedded;

public sealed partial class EmbeddedRegistry
{
    public async Task<ModelVersion> CreateModelVersionAsync(string model, string runId, string artifactPath, CancellationToken cancellationToken)
    {
        var version = await WriteAsync(async (connection, transaction) =>
        {
            await EnsureRunAsync(connection, transaction, runId, cancellationToken);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await ExecuteAsync(connection, transaction, "INSERT OR IGNORE INTO models (name, created_ms, updated_ms) VALUES ($name, $now, $now)",
                cancellationToken, ("$name", model), ("$now", now));
            // Inside the immediate transaction nobody else can take the same number.
            var next = (long)(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) + 1 FROM versions WHERE model = $name", cancellationToken, ("$name", model)))!;
            await ExecuteAsync(connection, transaction,
                "INSERT INTO versions (model, version, run_id, artifact_path, created_ms) VALUES ($name, $version, $run, $path, $now)",
                cancellationToken, ("$name", model), ("$version", next), ("$run", runId), ("$path", artifactPath), ("$now", now));
            await ExecuteAsync(connection, transaction, "UPDATE models SET updated_ms = $now WHERE name = $name", cancellationToken, ("$name", model), ("$now", now));
            return (int)next;
        }, cancellationToken);
        return await GetVersionAsync(model, version, cancellationToken);
    }

    public async Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken cancellationToken) =>
        await ReadModelsAsync("", cancellationToken);

    public async Task<RegisteredModel> GetModelAsync(string model, CancellationToken cancellationToken) =>
        (await ReadModelsAsync("WHERE name = $name", cancellationToken, ("$name", model))).SingleOrDefault()
        ?? throw RunnerException.NotFound($"model '{model}' does not exist");

    public async Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string model, CancellationToken cancellationToken)
    {
        await GetModelAsync(model, cancellationToken);
        return await ReadVersionsAsync("WHERE v.model = $name", cancellationToken, ("$name", model));
    }

    public async Task<ModelVersion> GetVersionAsync(string model, int version, CancellationToken cancellationToken)
    {
        var found = await ReadVersionsAsync("WHERE v.model = $name AND v.version = $version", cancellationToken, ("$name", model), ("$version", version));
        if (found.Count == 0)
        {
            await GetModelAsync(model, cancellationToken);
            throw RunnerException.NotFound($"model '{model}' has no version {version}");
        }

        return found[0];
    }

    public async Task<ModelVersion> GetVersionByAliasAsync(string model, string alias, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var version = await ScalarAsync(connection, null, "SELECT version FROM aliases WHERE model = $name AND alias = $alias", cancellationToken, ("$name", model), ("$alias", alias));
        if (version is null)
        {
            await GetModelAsync(model, cancellationToken);
            throw RunnerException.NotFound($"model '{model}' has no alias '@{alias}'");
        }

        return await GetVersionAsync(model, (int)(long)version, cancellationToken);
    }

    public async Task SetAliasAsync(string model, string alias, int version, CancellationToken cancellationToken)
    {
        await GetVersionAsync(model, version, cancellationToken);
        await WriteAsync((connection, transaction) => ExecuteAsync(connection, transaction,
            "INSERT OR REPLACE INTO aliases (model, alias, version) VALUES ($name, $alias, $version)",
            cancellationToken, ("$name", model), ("$alias", alias), ("$version", version)), cancellationToken);
    }

    public async Task DeleteAliasAsync(string model, string alias, CancellationToken cancellationToken)
    {
        var deleted = await WriteAsync((connection, transaction) => ExecuteAsync(connection, transaction,
            "DELETE FROM aliases WHERE model = $name AND alias = $alias", cancellationToken, ("$name", model), ("$alias", alias)), cancellationToken);
        if (deleted == 0)
        {
            await GetModelAsync(model, cancellationToken);
            throw RunnerException.NotFound($"model '{model}' has no alias '@{alias}'");
        }
    }

    private async Task<IReadOnlyList<RegisteredModel>> ReadModelsAsync(string where, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var models = new List<(string Name, long Created, long Updated, long Latest)>();
        await using (var command = Command(connection, null,
            $"SELECT name, created_ms, updated_ms, (SELECT COALESCE(MAX(version), 0) FROM versions WHERE model = name) FROM models {where} ORDER BY name", parameters))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                models.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
            }
        }

        var result = new List<RegisteredModel>();
        foreach (var model in models)
        {
            var aliases = new Dictionary<string, int>(StringComparer.Ordinal);
            await using var command = Command(connection, null, "SELECT alias, version FROM aliases WHERE model = $name", [("$name", model.Name)]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                aliases[reader.GetString(0)] = reader.GetInt32(1);
            }

            result.Add(new RegisteredModel(model.Name, DateTimeOffset.FromUnixTimeMilliseconds(model.Created), DateTimeOffset.FromUnixTimeMilliseconds(model.Updated), (int)model.Latest, aliases));
        }

        return result;
    }

    private async Task<IReadOnlyList<ModelVersion>> ReadVersionsAsync(string where, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            SELECT v.model, v.version, v.run_id, v.artifact_path, v.created_ms,
                   (SELECT group_concat(a.alias, ',') FROM aliases a WHERE a.model = v.model AND a.version = v.version)
            FROM versions v {where} ORDER BY v.version DESC
            """, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<ModelVersion>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var aliases = reader.IsDBNull(5) ? [] : reader.GetString(5).Split(',').Order(StringComparer.Ordinal).ToArray();
            versions.Add(new ModelVersion(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), aliases));
        }

        return versions;
    }
}
