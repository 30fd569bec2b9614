using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Endpoints;

/// <summary>Endpoints survive a restart: one row each in data/endpoints.db, the spec as JSON.</summary>
public sealed class EndpointStore
{
    private readonly string _connectionString;

    public EndpointStore(IOptions<RunnerOptions> options)
    {
        var data = options.Value.DataPath;
        Directory.CreateDirectory(data);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "endpoints.db"), DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE IF NOT EXISTS endpoints (name TEXT PRIMARY KEY, spec TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL)";
        create.ExecuteNonQuery();
        AddOwnerColumn(connection);
    }

    /// <param name="Owner">The id of the key that created it (never its secret); null for one stored before owners were kept: an admin's to change.</param>
    public sealed record Stored(EndpointSpec Spec, DateTimeOffset Created, DateTimeOffset Updated, string? Owner = null);

    /// <summary>Creates or updates; the owner is written on creation only: an update (by its owner or an admin) keeps it.</summary>
    public async Task<Stored> PutAsync(EndpointSpec spec, string? owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO endpoints (name, spec, created_ms, updated_ms, owner) VALUES ($name, $spec, $now, $now, $owner)
            ON CONFLICT(name) DO UPDATE SET spec = excluded.spec, updated_ms = excluded.updated_ms
            RETURNING created_ms, owner
            """;
        command.Parameters.AddWithValue("$name", spec.Name);
        command.Parameters.AddWithValue("$spec", JsonSerializer.Serialize(spec, RunnerJson.Default.EndpointSpec));
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$owner", (object?)owner ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Stored(spec, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), now, reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    /// <summary>Stores made before owners were kept get the column; their endpoints have none.</summary>
    private static void AddOwnerColumn(SqliteConnection connection)
    {
        using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('endpoints') WHERE name = 'owner'";
        if ((long)columns.ExecuteScalar()! == 0)
        {
            using var alter = connection.CreateCommand();
            alter.CommandText = "ALTER TABLE endpoints ADD COLUMN owner TEXT";
            alter.ExecuteNonQuery();
        }
    }

    public async Task<IReadOnlyList<Stored>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT spec, created_ms, updated_ms, owner FROM endpoints ORDER BY name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var endpoints = new List<Stored>();
        while (await reader.ReadAsync(cancellationToken))
        {
            endpoints.Add(new Stored(
                JsonSerializer.Deserialize(reader.GetString(0), RunnerJson.Default.EndpointSpec)!,
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return endpoints;
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM endpoints WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
