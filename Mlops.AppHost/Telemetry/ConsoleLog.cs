namespace Mlops.AppHost.Telemetry;

public sealed record ConsoleLine(long Sequence, DateTimeOffset Time, string Resource, string Line);

/// <summary>Every resource's console output, bounded per resource, numbered so that a page can ask for what is new.</summary>
public sealed class ConsoleLog(int maxLinesPerResource = 5_000)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Queue<ConsoleLine>> _lines = new(StringComparer.Ordinal);
    private long _sequence;

    public void Append(string resource, string line)
    {
        lock (_sync)
        {
            if (!_lines.TryGetValue(resource, out var queue))
            {
                _lines[resource] = queue = new Queue<ConsoleLine>();
            }

            queue.Enqueue(new ConsoleLine(++_sequence, DateTimeOffset.UtcNow, resource, line));
            if (queue.Count > maxLinesPerResource)
            {
                queue.Dequeue();
            }
        }
    }

    public IReadOnlyList<ConsoleLine> Read(string resource, long after, int max = 2_000)
    {
        lock (_sync)
        {
            return _lines.TryGetValue(resource, out var queue) ? queue.Where(l => l.Sequence > after).Take(max).ToList() : [];
        }
    }

    public IReadOnlyList<string> Tail(string resource, int count)
    {
        lock (_sync)
        {
            return _lines.TryGetValue(resource, out var queue) ? queue.TakeLast(count).Select(l => l.Line).ToList() : [];
        }
    }
}
