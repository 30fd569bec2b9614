using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Invocation history, durable: one row per invocation in data/history/invocations.db and each result once,
/// as its own file (data/history/results/&lt;id&gt;.json), read only when one invocation is asked for. Bounded by
/// <see cref="RunnerOptions.HistorySize"/> finished invocations and <see cref="RunnerOptions.HistoryResultsMb"/>
/// of results; the oldest finished go first, running ones never. Unfinished records stay in memory too, so
/// the few updates of a running invocation never wait on a read.
/// </summary>
public sealed partial class InvocationStore
{
    /// <summary>Its folder under the runner's data.</summary>
    public const string Folder = "history";

    /// <summary>A result being written; it becomes the result by one rename.</summary>
    public const string PartialSuffix = ".partial";

    private const long Megabyte = 1024 * 1024;

    private readonly Lock _sync = new();
    private readonly Dictionary<string, InvocationRecord> _live = new(StringComparer.Ordinal);
    private readonly HistoryDatabase _database;
    private readonly ResultFiles _results;
    private readonly RunnerOptions _options;
    private readonly ILogger _logger;

    public InvocationStore(IOptions<RunnerOptions> options, ILogger<InvocationStore> logger)
    {
        _options = options.Value;
        _logger = logger;
        var folder = Path.Combine(_options.DataPath, Folder);
        _database = new HistoryDatabase(Path.Combine(folder, "invocations.db"));
        _results = new ResultFiles(Path.Combine(folder, "results"));
    }

    /// <summary>Where results are kept, for the start-up sweep of half-written ones.</summary>
    public string ResultsDirectory => _results.Directory;

    public static string NewId() => Guid.CreateVersion7().ToString("N");

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Records a new invocation; the store must take it, or the invocation is refused.</summary>
    /// <exception cref="RunnerException">ResourceExhausted when the disk is full; Unavailable when the database cannot be written.</exception>
    public void Begin(InvocationRecord record, AsyncRequest? request = null)
    {
        lock (_sync)
        {
            _live[record.Id] = record;
        }

        try
        {
            _database.Upsert(record, resultBytes: 0, request is null ? null : AsyncRequests.Serialize(request));
        }
        catch (SqliteException ex)
        {
            lock (_sync)
            {
                _live.Remove(record.Id);
            }

            throw StorageFailures.Translate(ex, "invocation history");
        }
    }

    /// <summary>
    /// A running invocation changed, or finished (its result, if any, is written to its file now). A write that
    /// fails is logged, not thrown: the invocation's caller gets its answer whatever history could keep.
    /// </summary>
    public void Put(InvocationRecord record)
    {
        lock (_sync)
        {
            _live[record.Id] = record;
        }

        try
        {
            var resultBytes = record.IsFinished && record.Result is { } result ? _results.Write(record.Id, result) : 0;
            _database.Upsert(record, resultBytes);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            // Kept in memory instead (until the runner stops), so that its caller can still look it up.
            _logger.HistoryWriteFailed(ex, record.Id, record.Status.ToString());
            return;
        }

        if (record.IsFinished)
        {
            lock (_sync)
            {
                _live.Remove(record.Id);
            }

            Prune();
        }
    }

    /// <summary>Whether the invocation is running (or waiting) in this runner now.</summary>
    public bool IsLive(string id)
    {
        lock (_sync)
        {
            return _live.TryGetValue(id, out var record) && !record.IsFinished;
        }
    }

    /// <exception cref="RunnerException">InvalidArgument for a malformed id; NotFound when it is unknown or no longer kept.</exception>
    public InvocationRecord Get(string? id)
    {
        if (!IsValidId(id))
        {
            throw RunnerException.InvalidArgument("id", "must be an invocation id: 32 lowercase hex digits");
        }

        lock (_sync)
        {
            if (_live.TryGetValue(id!, out var live))
            {
                return live;
            }
        }

        var (record, hasResult) = Read(() => _database.Get(id!));
        if (record is null)
        {
            throw RunnerException.NotFound($"invocation '{id}' does not exist or is no longer kept");
        }

        return hasResult ? record with { Result = _results.Read(id!) } : record;
    }

    /// <summary>Accepted asynchronous invocations a runner that stopped never started, oldest first: they run now.</summary>
    public IReadOnlyList<(InvocationRecord Record, AsyncRequest Request)> Queued() =>
        Read(() => _database.Queued()).Select(q => (q.Record, AsyncRequests.Deserialize(q.Request))).ToList();

    /// <summary>Whether history has the invocation (running or kept).</summary>
    public bool Knows(string id) => IsLive(id) || Read(() => _database.Get(id)).Record is not null;

    /// <summary>Changes a finished invocation's result data (a training recorded after the fact); nothing when it has none any more.</summary>
    public void AmendResult(string id, Action<System.Text.Json.Nodes.JsonObject> change)
    {
        try
        {
            var (record, hasResult) = _database.Get(id);
            if (record is null || !hasResult || _results.Read(id) is not { } result)
            {
                return;
            }

            change(result.Data);
            _database.Upsert(record, _results.Write(id, result));
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // Best effort: the registry has the training either way.
            _logger.HistoryWriteFailed(ex, id, "amended");
        }
    }

    /// <summary>Summaries, newest first: everything but the results (<see cref="Get"/> has those).</summary>
    public IReadOnlyList<InvocationRecord> List(string? function, int limit) => Read(() => _database.List(function, limit));

    /// <summary>
    /// At start-up: invocations history says are still running ran in a runner that stopped without finishing
    /// them (a crash, kill -9, power loss). They end now, as failed, saying so.
    /// </summary>
    public int FailUnfinished(DateTimeOffset now) => Read(() => _database.FailUnfinished(
        now, ErrorKind.Unavailable, "the runner stopped while this invocation was running; it was not finished (its containers were removed when the runner started again)"));

    private void Prune()
    {
        try
        {
            foreach (var id in _database.Prune(_options.HistorySize, _options.HistoryResultsMb * Megabyte))
            {
                _results.Delete(id);
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            // Too much kept for a while is no one's loss; the next finished invocation prunes again.
            _logger.HistoryPruneFailed(ex);
        }
    }

    private static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException ex)
        {
            throw StorageFailures.Translate(ex, "invocation history");
        }
    }

    [GeneratedRegex(@"^[0-9a-f]{32}\z")]
    private static partial Regex IdPattern();
}
