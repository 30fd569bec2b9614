namespace Mlops.Runner.Registry.Embedded;

internal static class RegistrySchema
{
    /// <summary>MLflow's model, in tables: metrics keep the latest value per key, as MLflow's run view does.</summary>
    public const string Create = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY, experiment TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
            start_ms INTEGER NOT NULL, end_ms INTEGER);
        CREATE INDEX IF NOT EXISTS runs_by_start ON runs (start_ms DESC);
        CREATE TABLE IF NOT EXISTS params (
            run_id TEXT NOT NULL REFERENCES runs (id), key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
        CREATE TABLE IF NOT EXISTS metrics (
            run_id TEXT NOT NULL REFERENCES runs (id), key TEXT NOT NULL, value REAL NOT NULL, timestamp_ms INTEGER NOT NULL,
            PRIMARY KEY (run_id, key));
        CREATE TABLE IF NOT EXISTS tags (
            run_id TEXT NOT NULL REFERENCES runs (id), key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
        CREATE TABLE IF NOT EXISTS models (name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS versions (
            model TEXT NOT NULL REFERENCES models (name), version INTEGER NOT NULL, run_id TEXT NOT NULL REFERENCES runs (id),
            artifact_path TEXT NOT NULL, created_ms INTEGER NOT NULL, PRIMARY KEY (model, version));
        CREATE TABLE IF NOT EXISTS aliases (
            model TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (model, alias),
            FOREIGN KEY (model, version) REFERENCES versions (model, version));
        """;
}
