using Microsoft.Data.Sqlite;

namespace Mlops.Runner;

/// <summary>
/// The runner's own storage failing (a full disk, an unreadable database) in terms a caller can act on:
/// a full disk is ResourceExhausted, anything else about the storage is Unavailable. Never a raw
/// SqliteException or IOException with a path and an errno in front of a client.
/// </summary>
public static class StorageFailures
{
    private const int SqliteFull = 13;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteCantOpen = 14;
    private const int SqliteReadOnly = 8;

    /// <summary>ENOSPC and EDQUOT: .NET puts the errno in the HResult of the IOException it throws on Unix.</summary>
    private const int NoSpace = 28;
    private const int QuotaExceeded = 122;

    public static RunnerException Translate(SqliteException exception, string what) => exception.SqliteErrorCode switch
    {
        SqliteFull => DiskFull(what, exception),
        SqliteBusy or SqliteLocked => new RunnerException(ErrorKind.Unavailable, $"the {what} is busy; try again", inner: exception),
        SqliteIoError or SqliteCantOpen or SqliteReadOnly => new RunnerException(ErrorKind.Unavailable, $"the {what} cannot be written ({exception.SqliteErrorCode})", inner: exception),
        _ => new RunnerException(ErrorKind.Unavailable, $"the {what} failed (SQLite error {exception.SqliteErrorCode})", inner: exception),
    };

    public static bool IsDiskFull(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteFull,
        IOException io => io.HResult is NoSpace or QuotaExceeded,
        _ => false,
    };

    /// <summary>For the gRPC edge: a storage failure nobody translated on the way, or null when it is none.</summary>
    public static RunnerException? TryTranslate(Exception exception) => exception switch
    {
        _ when IsDiskFull(exception) => DiskFull("runner's data", exception),
        SqliteException sqlite => Translate(sqlite, "runner's database"),
        _ => null,
    };

    private static RunnerException DiskFull(string what, Exception inner) =>
        new(ErrorKind.ResourceExhausted, $"the disk holding the {what} is full; free some space (old logs, models, images) and try again", inner: inner);
}
