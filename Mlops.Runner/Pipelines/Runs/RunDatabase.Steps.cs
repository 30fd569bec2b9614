using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Mlops.Runner.Pipelines;

/// <summary>Where a finished step's artifacts come from (a `best` passes its winner's on): lineage for what registers them.</summary>
internal sealed record StepLineage(string? Source, IReadOnlyDictionary<string, string> InputArtifacts);

internal sealed partial class RunDatabase
{
    private const int StepRow = -1;

    private const string StepColumns =
        "step, item, ordinal, item_value, function, action, status, cache_key, cache_hit, source_run, invocation_id, attempts, parameters, result, artifacts, input_artifacts, error_code, error_message, started_ms, ended_ms, source, source_inputs";

    /// <summary>Writes a step's row (or a map item's, when <see cref="StepRunRecord.Item"/> is set); a map step's items are rows of their own.</summary>
    /// <param name="ordinal">The step's place in the plan.</param>
    /// <param name="lineage">Null leaves the stored one as it is.</param>
    public void UpsertStep(string runId, int ordinal, StepRunRecord step, StepLineage? lineage = null)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO steps (run_id, {StepColumns}) VALUES ($run, $step, $item, $ordinal, $itemValue, $function, $action,
                $status, $key, $hit, $sourceRun, $invocation, $attempts, $parameters, $result, $artifacts, $inputs, $code,
                $message, $started, $ended, $source, $sourceInputs)
            ON CONFLICT(run_id, step, item) DO UPDATE SET status = excluded.status, cache_key = excluded.cache_key,
                cache_hit = excluded.cache_hit, source_run = excluded.source_run, invocation_id = excluded.invocation_id,
                attempts = excluded.attempts, parameters = excluded.parameters, result = excluded.result,
                artifacts = excluded.artifacts, input_artifacts = excluded.input_artifacts, error_code = excluded.error_code,
                error_message = excluded.error_message, started_ms = excluded.started_ms, ended_ms = excluded.ended_ms,
                source = COALESCE(excluded.source, source), source_inputs = COALESCE(excluded.source_inputs, source_inputs)
            """;
        Add(command, "$run", runId);
        Add(command, "$step", step.Step);
        Add(command, "$item", step.Item ?? StepRow);
        Add(command, "$ordinal", ordinal);
        Add(command, "$itemValue", step.ItemValue?.ToJsonString());
        Add(command, "$function", step.Function);
        Add(command, "$action", step.Action);
        Add(command, "$status", step.Status.ToString());
        Add(command, "$key", step.CacheKey);
        Add(command, "$hit", step.CacheHit);
        Add(command, "$sourceRun", step.CacheSourceRun);
        Add(command, "$invocation", step.InvocationId);
        Add(command, "$attempts", step.Attempts);
        Add(command, "$parameters", step.Parameters?.ToJsonString());
        Add(command, "$result", step.Result?.ToJsonString());
        Add(command, "$artifacts", WriteMap(step.Artifacts));
        Add(command, "$inputs", WriteMap(step.InputArtifacts));
        Add(command, "$code", step.ErrorCode);
        Add(command, "$message", step.ErrorMessage);
        Add(command, "$started", step.StartedAt?.ToUnixTimeMilliseconds());
        Add(command, "$ended", step.EndedAt?.ToUnixTimeMilliseconds());
        Add(command, "$source", lineage?.Source);
        Add(command, "$sourceInputs", lineage is null ? null : WriteMap(lineage.InputArtifacts));
        command.ExecuteNonQuery();
    }

    /// <summary>Ends a run's Running steps and items as failed (its runner stopped under them); returns how many.</summary>
    public int FailRunningSteps(string runId, DateTimeOffset now, string code, string message)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE steps SET status = $failed, ended_ms = $now, error_code = $code, error_message = $message
            WHERE run_id = $run AND status = $running
            """;
        Add(command, "$run", runId);
        Add(command, "$failed", nameof(StepStatus.Failed));
        Add(command, "$running", nameof(StepStatus.Running));
        Add(command, "$now", now.ToUnixTimeMilliseconds());
        Add(command, "$code", code);
        Add(command, "$message", message);
        return command.ExecuteNonQuery();
    }

    private static (IReadOnlyList<StepRunRecord> Steps, IReadOnlyDictionary<string, StepLineage> Lineage) ReadSteps(SqliteConnection connection, string runId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {StepColumns} FROM steps WHERE run_id = $run ORDER BY ordinal, item";
        Add(command, "$run", runId);
        using var reader = command.ExecuteReader();
        var steps = new List<StepRunRecord>();
        var items = new Dictionary<string, List<StepRunRecord>>(StringComparer.Ordinal);
        var lineage = new Dictionary<string, StepLineage>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var item = reader.GetInt32(1);
            var record = ReadStep(reader, item == StepRow ? null : item);
            if (!reader.IsDBNull(21))
            {
                var name = record.Item is { } i ? $"{record.Step}[{i}]" : record.Step;
                lineage[name] = new StepLineage(ReadText(reader, 20), ReadMap(reader, 21));
            }

            if (record.Item is null)
            {
                steps.Add(record);
            }
            else
            {
                (items.TryGetValue(record.Step, out var list) ? list : items[record.Step] = []).Add(record);
            }
        }

        return (steps.Select(step => items.TryGetValue(step.Step, out var list) ? step with { Items = list } : step).ToList(), lineage);
    }

    private static StepRunRecord ReadStep(SqliteDataReader reader, int? item) => new(
        Step: reader.GetString(0),
        Item: item,
        ItemValue: reader.IsDBNull(3) ? null : JsonNode.Parse(reader.GetString(3)),
        Function: ReadText(reader, 4),
        Action: ReadText(reader, 5),
        Status: Enum.Parse<StepStatus>(reader.GetString(6)),
        CacheKey: ReadText(reader, 7),
        CacheHit: reader.GetBoolean(8),
        CacheSourceRun: ReadText(reader, 9),
        InvocationId: ReadText(reader, 10),
        Attempts: reader.GetInt32(11),
        Parameters: ReadObject(reader, 12),
        Result: ReadObject(reader, 13),
        Artifacts: ReadMap(reader, 14),
        InputArtifacts: ReadMap(reader, 15),
        ErrorCode: ReadText(reader, 16),
        ErrorMessage: ReadText(reader, 17),
        StartedAt: ReadTime(reader, 18),
        EndedAt: ReadTime(reader, 19),
        Items: []);
}
