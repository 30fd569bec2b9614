using Microsoft.Data.Sqlite;

namespace Mlops.Keys;

/// <summary>
/// API keys in data/keys.db, stored as hashes. The runner writes (Keys service); the gateway only reads, through
/// <see cref="KeyVerifier"/>. A revoked key keeps its row, so that re-importing a secret file cannot revive it.
/// </summary>
public sealed class KeyStore
{
    private readonly string _connectionString;
    private long _lookups;

    public KeyStore(string dataPath)
    {
        Directory.CreateDirectory(dataPath);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataPath, "keys.db"), DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        using var create = connection.CreateCommand();
        create.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS keys (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
                hint TEXT NOT NULL, created_ms INTEGER NOT NULL, revoked_ms INTEGER)
            """;
        create.ExecuteNonQuery();
    }

    public async Task<IssuedKey> CreateAsync(string name, string role, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var secret = ApiKeys.Generate();
        return new IssuedKey(await InsertAsync(secret, name, role, now, cancellationToken), secret);
    }

    /// <summary>Adds a key whose secret already exists (a secrets file); does nothing if its hash is known, revoked or not.</summary>
    public Task ImportAsync(string secret, string name, string role, DateTimeOffset now, CancellationToken cancellationToken) =>
        InsertAsync(secret, name, role, now, cancellationToken, ignoreConflict: true);

    /// <summary>How many times a key was looked up in SQLite (for tests and /debug: a flood must not raise it per request).</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

    public async Task<KeyRecord?> FindAsync(string secret, bool includeRevoked, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, role, hint, created_ms, revoked_ms FROM keys WHERE hash = $hash";
        command.Parameters.AddWithValue("$hash", ApiKeys.Hash(secret));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var record = Read(reader);
        return includeRevoked || record.Revoked is null ? record : null;
    }

    public async Task<IReadOnlyList<KeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, role, hint, created_ms, revoked_ms FROM keys WHERE role <> $service ORDER BY created_ms, id";
        command.Parameters.AddWithValue("$service", Roles.Service);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<KeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <summary>Null when there is no such key; the record (with its first revocation time) otherwise.</summary>
    public async Task<KeyRecord?> RevokeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE keys SET revoked_ms = COALESCE(revoked_ms, $now) WHERE id = $id AND role <> $service
            RETURNING id, name, role, hint, created_ms, revoked_ms
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$service", Roles.Service);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private async Task<KeyRecord> InsertAsync(string secret, string name, string role, DateTimeOffset now, CancellationToken cancellationToken, bool ignoreConflict = false)
    {
        var record = new KeyRecord($"key-{Guid.NewGuid():N}"[..16], name, role, ApiKeys.Hint(secret), now, null);
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT {(ignoreConflict ? "OR IGNORE " : "")}INTO keys (id, name, role, hash, hint, created_ms)
            VALUES ($id, $name, $role, $hash, $hint, $created)
            """;
        command.Parameters.AddWithValue("$id", record.Id);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$role", role);
        command.Parameters.AddWithValue("$hash", ApiKeys.Hash(secret));
        command.Parameters.AddWithValue("$hint", record.Hint);
        command.Parameters.AddWithValue("$created", now.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return record;
    }

    private static KeyRecord Read(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)));

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
