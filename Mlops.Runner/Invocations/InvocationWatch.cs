using System.Runtime.CompilerServices;

namespace Mlops.Runner.Invocations;

/// <summary>
/// An invocation's events for whoever asks, from its start: a running one's from its feed (then live), an ended
/// one's rebuilt from its log file and history. Watching never changes what the invocation does.
/// </summary>
public sealed class InvocationWatch(InvocationStore history, InvocationFeeds feeds, TimeProvider time)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    /// <exception cref="RunnerException">InvalidArgument for a malformed id; NotFound for an unknown one (before the first event).</exception>
    public async IAsyncEnumerable<InvocationEvent> WatchAsync(string? id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var record = history.Get(id);
        while (!record.IsFinished)
        {
            if (feeds.Find(record.Id) is { } feed)
            {
                await foreach (var item in feed.ReadAsync(cancellationToken))
                {
                    yield return item;
                }

                yield break;
            }

            // Accepted but not started yet (queued after a restart), or just ending: look again in a moment.
            await Task.Delay(Poll, time, cancellationToken);
            record = history.Get(record.Id);
        }

        foreach (var item in Replay(record))
        {
            yield return item;
        }
    }

    /// <summary>The invocation once it has ended, or as it is after <paramref name="wait"/> (at most 60 s).</summary>
    public async Task<InvocationRecord> GetAsync(string? id, TimeSpan wait, CancellationToken cancellationToken)
    {
        var record = history.Get(id);
        var deadline = time.GetUtcNow() + (wait < MaxWait ? wait : MaxWait);
        while (!record.IsFinished && time.GetUtcNow() < deadline)
        {
            // Its end, if it runs here; otherwise (queued after a restart) a look again in a moment.
            var step = feeds.Find(record.Id)?.Ended ?? Task.Delay(Poll, time, cancellationToken);
            await Task.WhenAny(step, Task.Delay(deadline - time.GetUtcNow(), time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            record = history.Get(record.Id);
        }

        return record;
    }

    /// <summary>An ended invocation's story: accepted, the build and container lines of its log, its result, how it ended.</summary>
    private static IEnumerable<InvocationEvent> Replay(InvocationRecord record)
    {
        yield return new InvocationAccepted(record.Id, record.Function, record.CreatedAt);
        foreach (var line in ReadLog(record.LogPath))
        {
            yield return line;
        }

        if (record.Result is { } result)
        {
            yield return result;
        }

        yield return new InvocationCompleted(record);
    }

    private static IEnumerable<InvocationEvent> ReadLog(string path)
    {
        if (!File.Exists(path))
        {
            // Deleted by retention: the story has no middle any more.
            yield break;
        }

        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        while (reader.ReadLine() is { } line)
        {
            if (InvocationLogFile.Parse(line) is { } parsed)
            {
                yield return parsed;
            }
        }
    }
}
