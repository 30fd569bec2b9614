using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Registry;

/// <summary>
/// Trainings the registry could not take when they finished (MLflow down, say): each kept as a folder under
/// data/outbox/&lt;invocation id&gt; — the model, what the run should record, and the invocation's log as it was —
/// until <see cref="OutboxDelivery"/> records it. Nothing in it is lost on a restart.
/// </summary>
public sealed class TrainingOutbox
{
    public const string Folder = "outbox";

    /// <summary>An entry being written; it becomes an entry by one rename.</summary>
    public const string PartialPrefix = ".partial-";

    private const string EntryFile = "training.json";
    private const string LogFile = "invocation.log";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public TrainingOutbox(IOptions<RunnerOptions> options)
    {
        Root = Path.Combine(options.Value.DataPath, Folder);
    }

    public string Root { get; }

    /// <summary>One kept training: what to record, and where its model and log are.</summary>
    public sealed record Entry(string Folder, TrainingContext Context, TrainingResult? Result, string Reason)
    {
        public string? ModelDirectory => Result is null ? null : Path.Combine(Folder, ModelBinding.Folder);
    }

    /// <summary>Keeps a training; <paramref name="modelDirectory"/> (the runner's own copy) is moved in, not copied.</summary>
    public async Task KeepAsync(TrainingContext context, TrainingResult? result, string? modelDirectory, string reason, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Root);
        var partial = Path.Combine(Root, $"{PartialPrefix}{context.InvocationId}");
        Directory.CreateDirectory(partial);
        if (modelDirectory is not null)
        {
            Directory.Move(modelDirectory, Path.Combine(partial, ModelBinding.Folder));
        }

        // The log as it is now: the run records this snapshot, as it would have at the time.
        await using (var log = new FileStream(context.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        await using (var copy = File.Create(Path.Combine(partial, LogFile)))
        {
            await log.CopyToAsync(copy, cancellationToken);
        }

        var stored = new StoredEntry(context with { LogPath = LogFile }, result is null ? null : new StoredResult(result.Metrics, result.Params, result.Data), reason);
        await File.WriteAllBytesAsync(Path.Combine(partial, EntryFile), JsonSerializer.SerializeToUtf8Bytes(stored, Json), cancellationToken);
        Directory.Move(partial, Path.Combine(Root, context.InvocationId));
    }

    /// <summary>What waits, oldest first.</summary>
    public IReadOnlyList<Entry> List()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        return new DirectoryInfo(Root).EnumerateDirectories()
            .Where(folder => !folder.Name.StartsWith(PartialPrefix, StringComparison.Ordinal))
            .OrderBy(folder => folder.CreationTimeUtc)
            .Select(Read)
            .ToList();
    }

    public int Count => Directory.Exists(Root)
        ? Directory.EnumerateDirectories(Root).Count(folder => !Path.GetFileName(folder).StartsWith(PartialPrefix, StringComparison.Ordinal))
        : 0;

    public void Remove(Entry entry) => Directory.Delete(entry.Folder, recursive: true);

    private static Entry Read(DirectoryInfo folder)
    {
        var stored = JsonSerializer.Deserialize<StoredEntry>(File.ReadAllBytes(Path.Combine(folder.FullName, EntryFile)), Json)
            ?? throw new InvalidDataException($"{folder.FullName}: empty outbox entry");
        var context = stored.Context with { LogPath = Path.Combine(folder.FullName, LogFile) };
        var result = stored.Result is { } r ? new TrainingResult(r.Metrics ?? [], r.Params ?? [], r.Data ?? []) : null;
        return new Entry(folder.FullName, context, result, stored.Reason);
    }

    private sealed record StoredEntry(TrainingContext Context, StoredResult? Result, string Reason);

    private sealed record StoredResult(JsonObject? Metrics, JsonObject? Params, JsonObject? Data);
}
