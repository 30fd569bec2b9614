namespace Mlops.Runner.Pipelines;

/// <summary>A cached step: what it left and the run whose step produced it.</summary>
internal sealed record CachedStep(StepOutputs Outputs, string SourceRun, DateTimeOffset CreatedAt);

internal sealed partial class RunDatabase
{
    public CachedStep? FindCached(string key)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT result, artifacts, source, source_inputs, source_run, created_ms FROM cache WHERE key = $key";
        Add(command, "$key", key);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var outputs = new StepOutputs(ReadObject(reader, 0) ?? [], ReadMap(reader, 1))
        {
            Source = ReadText(reader, 2),
            InputArtifacts = ReadMap(reader, 3),
        };
        return new CachedStep(outputs, reader.GetString(4), ReadTime(reader, 5)!.Value);
    }

    /// <summary>Keeps a step's outputs under its key; a later run's success replaces an earlier one's.</summary>
    public void StoreCached(string key, StepOutputs outputs, string sourceRun, DateTimeOffset now)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO cache (key, result, artifacts, source, source_inputs, source_run, created_ms)
            VALUES ($key, $result, $artifacts, $source, $inputs, $run, $now)
            ON CONFLICT(key) DO UPDATE SET result = excluded.result, artifacts = excluded.artifacts, source = excluded.source,
                source_inputs = excluded.source_inputs, source_run = excluded.source_run, created_ms = excluded.created_ms
            """;
        Add(command, "$key", key);
        Add(command, "$result", outputs.Result.ToJsonString());
        Add(command, "$artifacts", WriteMap(outputs.Artifacts));
        Add(command, "$source", outputs.Source);
        Add(command, "$inputs", WriteMap(outputs.InputArtifacts));
        Add(command, "$run", sourceRun);
        Add(command, "$now", now.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }
}
