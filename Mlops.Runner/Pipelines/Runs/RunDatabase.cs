using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// data/pipelines/runs.db: the runs (with the pipeline.json bytes each follows), their steps and map items, and
/// the step cache. Every write is its own statement, made as the state changes: a crash loses nothing finished.
/// </summary>
internal sealed partial class RunDatabase
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS runs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, pipeline TEXT NOT NULL, plan BLOB NOT NULL,
            digest TEXT NOT NULL, inputs TEXT NOT NULL, no_cache INTEGER NOT NULL, status TEXT NOT NULL,
            created_ms INTEGER NOT NULL, ended_ms INTEGER, error_code TEXT, error_message TEXT,
            trace_parent TEXT, trace_id TEXT, resumes INTEGER NOT NULL, caller_key TEXT, caller_admin INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS runs_by_pipeline ON runs (pipeline, seq);
        CREATE INDEX IF NOT EXISTS runs_unfinished ON runs (seq) WHERE ended_ms IS NULL;
        CREATE TABLE IF NOT EXISTS steps (
            run_id TEXT NOT NULL, step TEXT NOT NULL, item INTEGER NOT NULL, ordinal INTEGER NOT NULL, item_value TEXT,
            function TEXT, action TEXT, status TEXT NOT NULL, cache_key TEXT, cache_hit INTEGER NOT NULL, source_run TEXT,
            invocation_id TEXT, attempts INTEGER NOT NULL, parameters TEXT, result TEXT, artifacts TEXT NOT NULL,
            input_artifacts TEXT NOT NULL, error_code TEXT, error_message TEXT, started_ms INTEGER, ended_ms INTEGER,
            source TEXT, source_inputs TEXT,
            PRIMARY KEY (run_id, step, item));
        CREATE TABLE IF NOT EXISTS cache (
            key TEXT PRIMARY KEY, result TEXT NOT NULL, artifacts TEXT NOT NULL, source TEXT, source_inputs TEXT NOT NULL,
            source_run TEXT NOT NULL, created_ms INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS cache_by_age ON cache (created_ms);
        """;

    private readonly string _connectionString;

    public RunDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, Pooling = true }.ToString();
        using var connection = Open();
        using var create = connection.CreateCommand();
        create.CommandText = Schema;
        create.ExecuteNonQuery();
    }

    private static JsonObject? ReadObject(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : JsonNode.Parse(reader.GetString(column)) as JsonObject;

    private static Dictionary<string, string> ReadMap(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column) ? [] : JsonSerializer.Deserialize(reader.GetString(column), RunnerJson.Default.DictionaryStringString) ?? [];

    private static string WriteMap(IReadOnlyDictionary<string, string> map) =>
        JsonSerializer.Serialize(new Dictionary<string, string>(map, StringComparer.Ordinal), RunnerJson.Default.DictionaryStringString);

    private static DateTimeOffset? ReadTime(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column));

    private static string? ReadText(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private static void Add(SqliteCommand command, string name, object? value) => command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
