using Microsoft.Data.Sqlite;

namespace Mlops.Runner.Invocations;

/// <summary>The rows of invocation history: one per invocation, newest by insertion order (seq).</summary>
internal sealed class HistoryDatabase
{
    private const string Columns =
        "id, function, status, created_ms, ended_ms, image, exit_code, queue_ms, image_ms, create_ms, start_ms, run_ms, remove_ms, total_ms, error_kind, error_message, log_path, result_bytes, handover_ms, pooled";

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS invocations (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, function TEXT NOT NULL, status TEXT NOT NULL,
            created_ms INTEGER NOT NULL, ended_ms INTEGER, image TEXT, exit_code INTEGER,
            queue_ms REAL NOT NULL, image_ms REAL NOT NULL, create_ms REAL NOT NULL, start_ms REAL NOT NULL,
            run_ms REAL NOT NULL, remove_ms REAL NOT NULL, total_ms REAL NOT NULL,
            error_kind TEXT, error_message TEXT, log_path TEXT NOT NULL, result_bytes INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS invocations_by_function ON invocations (function, seq);
        CREATE INDEX IF NOT EXISTS invocations_unfinished ON invocations (seq) WHERE ended_ms IS NULL;
        CREATE INDEX IF NOT EXISTS invocations_by_end ON invocations (ended_ms, seq) WHERE ended_ms IS NOT NULL;
        """;

    /// <summary>Columns added after the first schema, each with what a row written before it means.</summary>
    private static readonly (string Name, string Definition)[] Added =
        [("async_request", "TEXT"), ("handover_ms", "REAL NOT NULL DEFAULT 0"), ("pooled", "INTEGER NOT NULL DEFAULT 0")];

    private readonly string _connectionString;

    public HistoryDatabase(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, Pooling = true }.ToString();
        using var connection = Open();
        using var create = connection.CreateCommand();
        create.CommandText = Schema;
        create.ExecuteNonQuery();
        foreach (var (name, definition) in Added)
        {
            using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT COUNT(*) FROM pragma_table_info('invocations') WHERE name = $name";
            Add(exists, "$name", name);
            if ((long)exists.ExecuteScalar()! == 0)
            {
                using var alter = connection.CreateCommand();
                alter.CommandText = $"ALTER TABLE invocations ADD COLUMN {name} {definition}";
                alter.ExecuteNonQuery();
            }
        }
    }

    /// <summary>Accepted asynchronous invocations that never started running, oldest first, with what they were asked.</summary>
    public IReadOnlyList<(InvocationRecord Record, string Request)> Queued()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, async_request FROM invocations WHERE ended_ms IS NULL AND status = $pending AND async_request IS NOT NULL ORDER BY seq";
        Add(command, "$pending", nameof(InvocationStatus.Pending));
        using var reader = command.ExecuteReader();
        var queued = new List<(InvocationRecord, string)>();
        while (reader.Read())
        {
            queued.Add((ReadRecord(reader), reader.GetString(20)));
        }

        return queued;
    }

    /// <param name="asyncRequest">What an InvokeAsync caller asked (kept once, with the first write); null leaves it as it is.</param>
    public void Upsert(InvocationRecord record, long resultBytes, string? asyncRequest = null)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO invocations ({Columns}, async_request) VALUES
                ($id, $function, $status, $created, $ended, $image, $exit, $queue, $imageMs, $create, $start, $run, $remove, $total, $kind, $message, $log, $bytes, $handover, $pooled, $request)
            ON CONFLICT(id) DO UPDATE SET status = excluded.status, ended_ms = excluded.ended_ms, image = excluded.image,
                exit_code = excluded.exit_code, queue_ms = excluded.queue_ms, image_ms = excluded.image_ms, create_ms = excluded.create_ms,
                start_ms = excluded.start_ms, run_ms = excluded.run_ms, remove_ms = excluded.remove_ms, total_ms = excluded.total_ms,
                error_kind = excluded.error_kind, error_message = excluded.error_message, result_bytes = excluded.result_bytes,
                handover_ms = excluded.handover_ms, pooled = excluded.pooled,
                async_request = COALESCE(excluded.async_request, async_request)
            """;
        var phases = record.Phases;
        Add(command, "$id", record.Id);
        Add(command, "$function", record.Function);
        Add(command, "$status", record.Status.ToString());
        Add(command, "$created", record.CreatedAt.ToUnixTimeMilliseconds());
        Add(command, "$ended", record.EndedAt?.ToUnixTimeMilliseconds());
        Add(command, "$image", record.Image);
        Add(command, "$exit", record.ExitCode);
        Add(command, "$queue", phases.Queue.TotalMilliseconds);
        Add(command, "$imageMs", phases.Image.TotalMilliseconds);
        Add(command, "$create", phases.Create.TotalMilliseconds);
        Add(command, "$start", phases.Start.TotalMilliseconds);
        Add(command, "$run", phases.Run.TotalMilliseconds);
        Add(command, "$remove", phases.Remove.TotalMilliseconds);
        Add(command, "$total", phases.Total.TotalMilliseconds);
        Add(command, "$kind", record.ErrorKind?.ToString());
        Add(command, "$message", record.ErrorMessage);
        Add(command, "$log", record.LogPath);
        Add(command, "$bytes", resultBytes);
        Add(command, "$handover", phases.Handover.TotalMilliseconds);
        Add(command, "$pooled", record.Pooled ? 1 : 0);
        Add(command, "$request", asyncRequest);
        command.ExecuteNonQuery();
    }

    /// <summary>The record (without its result) and whether a result file belongs to it.</summary>
    public (InvocationRecord? Record, bool HasResult) Get(string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM invocations WHERE id = $id";
        Add(command, "$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (ReadRecord(reader), reader.GetInt64(17) > 0) : (null, false);
    }

    public IReadOnlyList<InvocationRecord> List(string? function, int limit)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = function is null
            ? $"SELECT {Columns} FROM invocations ORDER BY seq DESC LIMIT $limit"
            : $"SELECT {Columns} FROM invocations WHERE function = $function ORDER BY seq DESC LIMIT $limit";
        Add(command, "$function", function);
        Add(command, "$limit", limit);
        using var reader = command.ExecuteReader();
        var records = new List<InvocationRecord>();
        while (reader.Read())
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    /// <summary>
    /// Ends every unfinished row as failed with <paramref name="message"/>, but asynchronous ones still queued (they
    /// run again); returns how many it ended.
    /// </summary>
    public int FailUnfinished(DateTimeOffset now, ErrorKind kind, string message)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE invocations SET status = $status, ended_ms = $now, error_kind = $kind, error_message = $message,
                total_ms = MAX(0, $now - created_ms)
            WHERE ended_ms IS NULL AND NOT (status = $pending AND async_request IS NOT NULL)
            """;
        Add(command, "$pending", nameof(InvocationStatus.Pending));
        Add(command, "$status", nameof(InvocationStatus.Failed));
        Add(command, "$now", now.ToUnixTimeMilliseconds());
        Add(command, "$kind", kind.ToString());
        Add(command, "$message", message);
        return command.ExecuteNonQuery();
    }

    /// <summary>
    /// Deletes the earliest finished rows until at most <paramref name="maxFinished"/> remain and their results
    /// take at most <paramref name="maxResultBytes"/>; returns the ids whose result files are to go too.
    /// </summary>
    public IReadOnlyList<string> Prune(int maxFinished, long maxResultBytes)
    {
        using var connection = Open();
        using (var totals = connection.CreateCommand())
        {
            totals.CommandText = "SELECT COUNT(*), COALESCE(SUM(result_bytes), 0) FROM invocations WHERE ended_ms IS NOT NULL";
            using var reader = totals.ExecuteReader();
            reader.Read();
            if (reader.GetInt64(0) <= maxFinished && reader.GetInt64(1) <= maxResultBytes)
            {
                return [];
            }
        }

        // The most recently finished first (a long training that just ended is new, however early it began): keep
        // rows while both budgets allow; everything that finished before goes.
        long cutoffEnded = -1, cutoffSeq = -1, kept = 0, bytes = 0;
        using (var walk = connection.CreateCommand())
        {
            walk.CommandText = "SELECT ended_ms, seq, result_bytes FROM invocations WHERE ended_ms IS NOT NULL ORDER BY ended_ms DESC, seq DESC";
            using var reader = walk.ExecuteReader();
            while (reader.Read())
            {
                kept++;
                bytes += reader.GetInt64(2);
                if (kept > maxFinished || bytes > maxResultBytes)
                {
                    (cutoffEnded, cutoffSeq) = (reader.GetInt64(0), reader.GetInt64(1));
                    break;
                }
            }
        }

        const string Older = "ended_ms IS NOT NULL AND (ended_ms < $ended OR (ended_ms = $ended AND seq <= $seq))";

        using var transaction = connection.BeginTransaction();
        var removed = new List<string>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = $"SELECT id FROM invocations WHERE {Older} AND result_bytes > 0";
            Add(select, "$ended", cutoffEnded);
            Add(select, "$seq", cutoffSeq);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                removed.Add(reader.GetString(0));
            }
        }

        using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = $"DELETE FROM invocations WHERE {Older}";
            Add(delete, "$ended", cutoffEnded);
            Add(delete, "$seq", cutoffSeq);
            delete.ExecuteNonQuery();
        }

        transaction.Commit();
        return removed;
    }

    private static InvocationRecord ReadRecord(SqliteDataReader reader)
    {
        static TimeSpan Ms(SqliteDataReader r, int i) => TimeSpan.FromMilliseconds(r.GetDouble(i));
        static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return new InvocationRecord(
            Id: reader.GetString(0),
            Function: reader.GetString(1),
            Status: Enum.Parse<InvocationStatus>(reader.GetString(2)),
            CreatedAt: At(reader.GetInt64(3)),
            EndedAt: reader.IsDBNull(4) ? null : At(reader.GetInt64(4)),
            Image: reader.IsDBNull(5) ? null : reader.GetString(5),
            ExitCode: reader.IsDBNull(6) ? null : reader.GetInt32(6),
            Phases: new InvocationPhases(Ms(reader, 7), Ms(reader, 8), Ms(reader, 9), Ms(reader, 10), Ms(reader, 11), Ms(reader, 12), Ms(reader, 13))
            {
                Handover = Ms(reader, 18),
            },
            Result: null,
            ErrorKind: reader.IsDBNull(14) ? null : Enum.Parse<ErrorKind>(reader.GetString(14)),
            ErrorMessage: reader.IsDBNull(15) ? null : reader.GetString(15),
            LogPath: reader.GetString(16))
        {
            Pooled = reader.GetInt64(19) != 0,
        };
    }

    private static void Add(SqliteCommand command, string name, object? value) => command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
