using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Mlops.Runner.Pipelines;

/// <summary>A run as stored: its record, the pipeline.json bytes it follows, its trace's parent and whose it is.</summary>
/// <param name="Lineage">By "step" or "step[i]": what produced each finished step's artifacts, for the run's scope.</param>
internal sealed record StoredRun(PipelineRunRecord Record, byte[] Plan, string? TraceParent, Caller Caller, IReadOnlyDictionary<string, StepLineage> Lineage);

internal sealed partial class RunDatabase
{
    private const string RunColumns =
        "id, pipeline, plan, digest, inputs, no_cache, status, created_ms, ended_ms, error_code, error_message, trace_parent, trace_id, resumes, caller_key, caller_admin";

    public void InsertRun(PipelineRunRecord record, ReadOnlyMemory<byte> plan, string? traceParent, Caller caller)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO runs ({RunColumns}) VALUES ($id, $pipeline, $plan, $digest, $inputs, $noCache, $status, $created,
                $ended, $code, $message, $traceParent, $traceId, $resumes, $callerKey, $callerAdmin)
            """;
        Add(command, "$id", record.Id);
        Add(command, "$pipeline", record.Pipeline);
        Add(command, "$plan", plan.ToArray());
        Add(command, "$digest", record.PipelineDigest);
        Add(command, "$inputs", record.Inputs.ToJsonString());
        Add(command, "$noCache", record.NoCache);
        Add(command, "$traceParent", traceParent);
        Add(command, "$callerKey", caller.KeyId);
        Add(command, "$callerAdmin", caller.IsAdmin);
        AddRunState(command, record);
        command.ExecuteNonQuery();
    }

    /// <summary>Writes what changes during a run: status, end, error, trace id, resumes.</summary>
    public void UpdateRun(PipelineRunRecord record)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE runs SET status = $status, created_ms = $created, ended_ms = $ended, error_code = $code,
                error_message = $message, trace_id = $traceId, resumes = $resumes
            WHERE id = $id
            """;
        Add(command, "$id", record.Id);
        AddRunState(command, record);
        command.ExecuteNonQuery();
    }

    public StoredRun? GetRun(string id) => ReadRuns("WHERE id = $id", command => Add(command, "$id", id)).FirstOrDefault();

    /// <summary>Newest first.</summary>
    public IReadOnlyList<StoredRun> ListRuns(string? pipeline, int limit) => pipeline is null
        ? ReadRuns("ORDER BY seq DESC LIMIT $limit", command => Add(command, "$limit", limit))
        : ReadRuns("WHERE pipeline = $pipeline ORDER BY seq DESC LIMIT $limit", command =>
        {
            Add(command, "$pipeline", pipeline);
            Add(command, "$limit", limit);
        });

    /// <summary>The runs not ended, oldest first.</summary>
    public IReadOnlyList<StoredRun> UnfinishedRuns() => ReadRuns("WHERE ended_ms IS NULL ORDER BY seq", _ => { });

    /// <summary>The latest ended runs, newest first.</summary>
    public IReadOnlyList<StoredRun> EndedRuns(int limit) =>
        ReadRuns("WHERE ended_ms IS NOT NULL ORDER BY seq DESC LIMIT $limit", command => Add(command, "$limit", limit));

    /// <summary>Deletes the oldest ended runs (and their steps) beyond <paramref name="maxEnded"/>, and the oldest cache entries beyond <paramref name="maxCached"/>.</summary>
    public void Prune(int maxEnded, int maxCached)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            CREATE TEMP TABLE IF NOT EXISTS pruned (id TEXT PRIMARY KEY);
            DELETE FROM pruned;
            INSERT INTO pruned SELECT id FROM runs WHERE ended_ms IS NOT NULL ORDER BY seq DESC LIMIT -1 OFFSET $maxEnded;
            DELETE FROM steps WHERE run_id IN (SELECT id FROM pruned);
            DELETE FROM runs WHERE id IN (SELECT id FROM pruned);
            DELETE FROM cache WHERE key IN (SELECT key FROM cache ORDER BY created_ms DESC LIMIT -1 OFFSET $maxCached);
            """;
        Add(command, "$maxEnded", maxEnded);
        Add(command, "$maxCached", maxCached);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    private static void AddRunState(SqliteCommand command, PipelineRunRecord record)
    {
        Add(command, "$status", record.Status.ToString());
        Add(command, "$created", record.CreatedAt.ToUnixTimeMilliseconds());
        Add(command, "$ended", record.EndedAt?.ToUnixTimeMilliseconds());
        Add(command, "$code", record.ErrorCode);
        Add(command, "$message", record.ErrorMessage);
        Add(command, "$traceId", record.TraceId);
        Add(command, "$resumes", record.Resumes);
    }

    private List<StoredRun> ReadRuns(string where, Action<SqliteCommand> bind)
    {
        using var connection = Open();
        var runs = new List<StoredRun>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {RunColumns} FROM runs {where}";
            bind(command);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var record = new PipelineRunRecord(
                    Id: reader.GetString(0),
                    Pipeline: reader.GetString(1),
                    PipelineDigest: reader.GetString(3),
                    Status: Enum.Parse<PipelineRunStatus>(reader.GetString(6)),
                    Inputs: JsonNode.Parse(reader.GetString(4)) as JsonObject ?? [],
                    NoCache: reader.GetBoolean(5),
                    Steps: [],
                    CreatedAt: ReadTime(reader, 7)!.Value,
                    EndedAt: ReadTime(reader, 8),
                    ErrorCode: ReadText(reader, 9),
                    ErrorMessage: ReadText(reader, 10),
                    TraceId: ReadText(reader, 12),
                    Resumes: reader.GetInt32(13));
                var caller = new Caller(ReadText(reader, 14), reader.GetBoolean(15));
                runs.Add(new StoredRun(record, (byte[])reader.GetValue(2), ReadText(reader, 11), caller, new Dictionary<string, StepLineage>()));
            }
        }

        return runs.Select(run =>
        {
            var (steps, lineage) = ReadSteps(connection, run.Record.Id);
            return run with { Record = run.Record with { Steps = steps }, Lineage = lineage };
        }).ToList();
    }
}
