namespace Mlops.AppHost.Hosting;

/// <summary>
/// How long to wait before restarting a resource that died: the first delay, doubling with every failure in
/// a row, never more than the most; a run that stayed up and healthy long enough starts the count again.
/// </summary>
public sealed class RestartBackoff(TimeSpan first, TimeSpan most, TimeSpan stableAfter)
{
    private int _failuresInARow;

    /// <summary>1 s, 2 s, 4 s ... at most 30 s; a minute up forgives what came before.</summary>
    public static RestartBackoff Default() => new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));

    /// <param name="upFor">How long the run that just ended was up and healthy; zero when it never got there.</param>
    public TimeSpan Next(TimeSpan upFor)
    {
        if (upFor >= stableAfter)
        {
            _failuresInARow = 0;
        }

        // In ticks as a double: doubling a TimeSpan past the most could overflow it.
        var ticks = first.Ticks * Math.Pow(2, _failuresInARow);
        _failuresInARow = Math.Min(_failuresInARow + 1, 64);
        return ticks < most.Ticks ? TimeSpan.FromTicks((long)ticks) : most;
    }
}
