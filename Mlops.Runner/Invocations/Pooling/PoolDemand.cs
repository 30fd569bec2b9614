namespace Mlops.Runner.Invocations.Pooling;

/// <summary>
/// How many containers one function's pool should hold: enough ready ones to cover the invocations that arrive
/// while a replacement starts (arrival rate × start time, with half again for bursts, and half a container more
/// before rounding up), at least one
/// while the function is in use, none once it has been idle. Pure: the pool asks it at every tick.
/// </summary>
public sealed class PoolDemand
{
    /// <summary>The window the arrival rate is measured over.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    /// <summary>What a replacement is assumed to take before the first one has been timed.</summary>
    public static readonly TimeSpan FirstFillGuess = TimeSpan.FromSeconds(1);

    private readonly Queue<DateTimeOffset> _arrivals = new();
    private DateTimeOffset? _first;
    private TimeSpan? _fill;

    /// <summary>When the last invocation arrived; null before the first.</summary>
    public DateTimeOffset? LastArrival { get; private set; }

    /// <summary>The time a replacement takes to be ready, smoothed over the last ones.</summary>
    public TimeSpan FillTime => _fill ?? FirstFillGuess;

    /// <summary>An invocation arrived, pooled or not.</summary>
    public void Arrive(DateTimeOffset now)
    {
        _first ??= now;
        LastArrival = now;
        _arrivals.Enqueue(now);
        Forget(now);
    }

    /// <summary>A replacement became ready after <paramref name="took"/>.</summary>
    public void Filled(TimeSpan took) =>
        _fill = _fill is { } smoothed ? smoothed * 0.7 + took * 0.3 : took;

    /// <summary>Invocations per second over the window (over the time since the first, while that is shorter, but at least a second).</summary>
    public double Rate(DateTimeOffset now)
    {
        Forget(now);
        if (_first is not { } first)
        {
            return 0;
        }

        var span = Math.Clamp((now - first).TotalSeconds, 1, Window.TotalSeconds);
        return _arrivals.Count / span;
    }

    /// <summary>The pool's size now: 0 once idle for <paramref name="idle"/>, else between 1 and <paramref name="max"/>.</summary>
    public int Target(DateTimeOffset now, TimeSpan idle, int max)
    {
        if (LastArrival is not { } last || now - last >= idle)
        {
            return 0;
        }

        var covering = Math.Ceiling(1.5 * Rate(now) * FillTime.TotalSeconds + 0.5);
        return (int)Math.Clamp(covering, 1, max);
    }

    private void Forget(DateTimeOffset now)
    {
        while (_arrivals.TryPeek(out var oldest) && now - oldest > Window)
        {
            _arrivals.Dequeue();
        }
    }
}
