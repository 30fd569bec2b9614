using Microsoft.Data.Sqlite;

namespace Mlops.Runner.Registry.Embedded;

/// <summary>
/// The registry with no server: a SQLite database (registry.db) and artifact files (artifacts/&lt;run&gt;/...)
/// in one folder. Writes are serialised and run in immediate transactions, so version numbers are
/// allocated without gaps or duplicates however many trainings finish at once.
/// </summary>
public sealed partial class EmbeddedRegistry : IModelRegistry
{
    /// <summary>Its folder under the runner's data.</summary>
    public const string Folder = "registry";

    public const string ArtifactsFolder = "artifacts";

    /// <summary>An artifact being written; it becomes the artifact by one rename.</summary>
    public const string PartialSuffix = ".partial";

    private readonly string _connectionString;
    private readonly string _artifacts;
    private readonly SemaphoreSlim _writes = new(1, 1);

    public EmbeddedRegistry(string directory)
    {
        Directory.CreateDirectory(directory);
        _artifacts = Path.Combine(directory, ArtifactsFolder);
        Directory.CreateDirectory(_artifacts);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "registry.db"), ForeignKeys = true, DefaultTimeout = 30 }.ToString();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = RegistrySchema.Create;
        create.ExecuteNonQuery();
    }

    public string Backend => "embedded";

    public async Task<TrackedRun> CreateRunAsync(
        string experiment, string runName, DateTimeOffset startTime, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        await WriteAsync(async (connection, transaction) =>
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO runs (id, experiment, name, status, start_ms) VALUES ($id, $experiment, $name, $status, $start)",
                cancellationToken, ("$id", id), ("$experiment", experiment), ("$name", runName), ("$status", RunStatus.Running.ToString()), ("$start", startTime.ToUnixTimeMilliseconds()));
            foreach (var (key, value) in tags)
            {
                await ExecuteAsync(connection, transaction, "INSERT OR REPLACE INTO tags (run_id, key, value) VALUES ($run, $key, $value)",
                    cancellationToken, ("$run", id), ("$key", key), ("$value", value));
            }

            return 0;
        }, cancellationToken);
        return await GetRunAsync(id, cancellationToken);
    }

    public Task LogAsync(
        string runId, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, double> metrics, DateTimeOffset time, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await EnsureRunAsync(connection, transaction, runId, cancellationToken);
            foreach (var (key, value) in parameters)
            {
                // As in MLflow, a parameter is logged once: the same value again is fine, another is an error.
                var existing = await ScalarAsync(connection, transaction, "SELECT value FROM params WHERE run_id = $run AND key = $key", cancellationToken, ("$run", runId), ("$key", key));
                if (existing is string old && old != value)
                {
                    throw RunnerException.InvalidArgument($"params.{key}", $"was already logged for run {runId} with another value");
                }

                await ExecuteAsync(connection, transaction, "INSERT OR IGNORE INTO params (run_id, key, value) VALUES ($run, $key, $value)",
                    cancellationToken, ("$run", runId), ("$key", key), ("$value", value));
            }

            foreach (var (key, value) in metrics)
            {
                await ExecuteAsync(connection, transaction, "INSERT OR REPLACE INTO metrics (run_id, key, value, timestamp_ms) VALUES ($run, $key, $value, $time)",
                    cancellationToken, ("$run", runId), ("$key", key), ("$value", value), ("$time", time.ToUnixTimeMilliseconds()));
            }

            return 0;
        }, cancellationToken);

    public Task FinishRunAsync(string runId, RunStatus status, DateTimeOffset endTime, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await EnsureRunAsync(connection, transaction, runId, cancellationToken);
            return await ExecuteAsync(connection, transaction, "UPDATE runs SET status = $status, end_ms = $end WHERE id = $id",
                cancellationToken, ("$status", status.ToString()), ("$end", endTime.ToUnixTimeMilliseconds()), ("$id", runId));
        }, cancellationToken);

    public async Task<TrackedRun> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        (await ReadRunsAsync("WHERE id = $id", 1, cancellationToken, ("$id", runId))).SingleOrDefault()
        ?? throw RunnerException.NotFound($"run '{runId}' does not exist");

    public async Task<IReadOnlyList<TrackedRun>> ListRunsAsync(string? experiment, int max, CancellationToken cancellationToken) =>
        experiment is null
            ? await ReadRunsAsync("", max, cancellationToken)
            : await ReadRunsAsync("WHERE experiment = $experiment", max, cancellationToken, ("$experiment", experiment));

    public async Task<IReadOnlyList<TrackedRun>> FindRunsByTagAsync(string experiment, string key, string value, CancellationToken cancellationToken) =>
        (await ReadRunsAsync(
            "WHERE experiment = $experiment AND id IN (SELECT run_id FROM tags WHERE key = $key AND value = $value)", RegistryNames.MaxRunsByTag, cancellationToken,
            ("$experiment", experiment), ("$key", key), ("$value", RegistryNames.TagValue(value)))).Reverse().ToList();

    public async Task UploadArtifactAsync(string runId, string path, Stream content, CancellationToken cancellationToken)
    {
        await GetRunAsync(runId, cancellationToken);
        var target = ArtifactFile(runId, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = target + $".{Guid.NewGuid():N}{PartialSuffix}";
        try
        {
            await using (var file = File.Create(temporary))
            {
                await content.CopyToAsync(file, cancellationToken);
                Storage.DurableFile.Flush(file);
            }

            Storage.DurableFile.Publish(temporary, target);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<IReadOnlyList<string>> ListArtifactsAsync(string runId, string directory, CancellationToken cancellationToken)
    {
        await GetRunAsync(runId, cancellationToken);
        var root = Path.Combine(_artifacts, runId);
        var start = directory.Length == 0 ? root : ArtifactFile(runId, directory);
        return Directory.Exists(start)
            ? Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories)
                .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
                .Where(file => !file.EndsWith(PartialSuffix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
    }

    public async Task DownloadArtifactAsync(string runId, string path, Stream destination, CancellationToken cancellationToken)
    {
        var file = ArtifactFile(runId, path);
        if (!File.Exists(file))
        {
            await GetRunAsync(runId, cancellationToken);
            throw RunnerException.NotFound($"run '{runId}' has no artifact '{path}'");
        }

        await using var source = File.OpenRead(file);
        await source.CopyToAsync(destination, cancellationToken);
    }

    private string ArtifactFile(string runId, string path) =>
        Path.Combine(_artifacts, RegistryNames.RunId(runId, "run_id"), RegistryNames.ArtifactPath(path));

    private async Task<IReadOnlyList<TrackedRun>> ReadRunsAsync(string where, int max, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var runs = new List<(string Id, string Experiment, string Name, string Status, long Start, long? End)>();
        await using (var command = Command(connection, null, $"SELECT id, experiment, name, status, start_ms, end_ms FROM runs {where} ORDER BY start_ms DESC, rowid DESC LIMIT $max", [.. parameters, ("$max", max)]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                runs.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetInt64(5)));
            }
        }

        var result = new List<TrackedRun>();
        foreach (var run in runs)
        {
            result.Add(new TrackedRun(
                run.Id,
                run.Experiment,
                run.Name,
                Enum.Parse<RunStatus>(run.Status),
                DateTimeOffset.FromUnixTimeMilliseconds(run.Start),
                run.End is { } end ? DateTimeOffset.FromUnixTimeMilliseconds(end) : null,
                await PairsAsync(connection, "params", run.Id, r => r.GetString(1), cancellationToken),
                await PairsAsync(connection, "metrics", run.Id, r => r.GetDouble(1), cancellationToken),
                await PairsAsync(connection, "tags", run.Id, r => r.GetString(1), cancellationToken)));
        }

        return result;
    }

    private static async Task<IReadOnlyDictionary<string, T>> PairsAsync<T>(
        SqliteConnection connection, string table, string runId, Func<SqliteDataReader, T> value, CancellationToken cancellationToken)
    {
        var pairs = new Dictionary<string, T>(StringComparer.Ordinal);
        await using var command = Command(connection, null, $"SELECT key, value FROM {table} WHERE run_id = $run", [("$run", runId)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            pairs[reader.GetString(0)] = value(reader);
        }

        return pairs;
    }

    private static async Task EnsureRunAsync(SqliteConnection connection, SqliteTransaction transaction, string runId, CancellationToken cancellationToken)
    {
        if (await ScalarAsync(connection, transaction, "SELECT 1 FROM runs WHERE id = $id", cancellationToken, ("$id", runId)) is null)
        {
            throw RunnerException.NotFound($"run '{runId}' does not exist");
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (SqliteException ex)
        {
            // As the MLflow backend's failures are: a busy or failing database is Unavailable, a full disk ResourceExhausted.
            throw StorageFailures.Translate(ex, "embedded registry");
        }
        finally
        {
            _writes.Release();
        }
    }

    private static async Task<int> ExecuteAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
