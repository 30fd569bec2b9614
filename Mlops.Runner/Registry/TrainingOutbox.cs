using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Registry;

/// <summary>
/// Trainings the registry could not take when they finished (MLflow down, say): each kept as a folder under
/// data/outbox/&lt;invocation id&gt; — the model, what the run should record, and the invocation's log as it was —
/// until <see cref="OutboxDelivery"/> records it. Nothing in it is lost on a restart.
/// </summary>
public sealed partial class TrainingOutbox
{
    public const string Folder = "outbox";

    /// <summary>An entry being written; it becomes an entry by one rename. Names starting with '.' are never entries.</summary>
    public const string PartialPrefix = ".partial-";

    /// <summary>A recorded entry being deleted.</summary>
    public const string DeliveredPrefix = ".delivered-";

    private const string EntryFile = "training.json";
    private const string RefusedFolder = "refused";
    private const string LogFile = "invocation.log";

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
            copy.Flush(flushToDisk: true);
        }

        var stored = new StoredEntry(context with { LogPath = LogFile }, result is null ? null : new StoredResult(result.Metrics, result.Params, result.Data), reason);
        await using (var entry = File.Create(Path.Combine(partial, EntryFile)))
        {
            await entry.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(stored, OutboxJson.Default.StoredEntry), cancellationToken);
            // On disk before the rename makes it an entry: after a power loss an entry is whole or not there.
            entry.Flush(flushToDisk: true);
        }

        Directory.Move(partial, Path.Combine(Root, context.InvocationId));
    }

    /// <summary>What waits, oldest first. An entry that cannot be read is set aside (see <see cref="SetAside"/>), not retried.</summary>
    public IReadOnlyList<Entry> List()
    {
        var entries = new List<Entry>();
        foreach (var folder in Waiting().OrderBy(folder => folder.CreationTimeUtc))
        {
            try
            {
                entries.Add(Read(folder));
            }
            catch (Exception ex) when (ex is JsonException or IOException or InvalidDataException)
            {
                SetAside(folder.FullName, $"unreadable: {ex.Message}");
            }
        }

        return entries;
    }

    public int Count => Waiting().Count();

    /// <summary>Recorded: out of the outbox at once (one rename), so that no later pass records it again.</summary>
    public void Remove(Entry entry)
    {
        var done = Path.Combine(Root, $"{DeliveredPrefix}{Path.GetFileName(entry.Folder)}");
        Directory.Move(entry.Folder, done);
        Directory.Delete(done, recursive: true);
    }

    /// <summary>
    /// An entry the registry refuses for good (or that cannot be read) moves to outbox/refused/, with the reason
    /// beside it: kept for a person to look at, never retried.
    /// </summary>
    public void SetAside(string folder, string reason)
    {
        var refused = Directory.CreateDirectory(Path.Combine(Root, RefusedFolder)).FullName;
        var target = Path.Combine(refused, Path.GetFileName(folder));
        Directory.Move(folder, target);
        File.WriteAllText(Path.Combine(target, "refused.txt"), reason);
    }

    private IEnumerable<DirectoryInfo> Waiting() => Directory.Exists(Root)
        ? new DirectoryInfo(Root).EnumerateDirectories().Where(folder => !folder.Name.StartsWith('.') && folder.Name != RefusedFolder)
        : [];

    private static Entry Read(DirectoryInfo folder)
    {
        var stored = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(folder.FullName, EntryFile)), OutboxJson.Default.StoredEntry)
            ?? throw new InvalidDataException($"{folder.FullName}: empty outbox entry");
        var context = stored.Context with { LogPath = Path.Combine(folder.FullName, LogFile) };
        var result = stored.Result is { } r ? new TrainingResult(r.Metrics ?? [], r.Params ?? [], r.Data ?? []) : null;
        return new Entry(folder.FullName, context, result, stored.Reason);
    }

    private sealed record StoredEntry(TrainingContext Context, StoredResult? Result, string Reason);

    private sealed record StoredResult(JsonObject? Metrics, JsonObject? Params, JsonObject? Data);

    /// <summary>The entries' JSON (camelCase, as entries written before have it), generated at build time.</summary>
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(StoredEntry))]
    private sealed partial class OutboxJson : JsonSerializerContext;
}
