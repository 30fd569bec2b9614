using System.Diagnostics;

namespace Mlops.Runner.Endpoints;

/// <summary>
/// An endpoint's recent replica failures: how long replacements wait (0.5 s after one failure, doubling
/// with each in the window, at most 10 s), and whether it is crash-looping (3 within a minute).
/// </summary>
public sealed class ReplicaFailures
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private const int LoopAfter = 3;

    private readonly Queue<long> _times = new();
    private long _startsAllowedAt;

    public bool MayStart => Stopwatch.GetTimestamp() >= _startsAllowedAt;

    public void Record(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _times.Enqueue(Stopwatch.GetTimestamp());
        }

        if (count > 0)
        {
            var delay = Math.Min(10.0, 0.5 * Math.Pow(2, Math.Max(0, Recent - 1)));
            _startsAllowedAt = Stopwatch.GetTimestamp() + (long)(delay * Stopwatch.Frequency);
        }
    }

    /// <summary>Why the endpoint stops trying for now, or null; it tries again once the window has passed.</summary>
    public string? CrashLoop(string? last) =>
        Recent >= LoopAfter ? $"replicas keep failing ({Recent} in the last {Window.TotalSeconds:0} s); the last: {last}" : null;

    private int Recent
    {
        get
        {
            while (_times.TryPeek(out var first) && Stopwatch.GetElapsedTime(first) > Window)
            {
                _times.Dequeue();
            }

            return _times.Count;
        }
    }
}
