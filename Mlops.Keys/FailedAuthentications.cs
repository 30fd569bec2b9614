namespace Mlops.Keys;

/// <summary>
/// Counts refused keys per client address in one-minute windows: past <see cref="KeyOptions.FailuresPerMinute"/>
/// a client's unknown keys are answered 429 without a look-up, so guessing keys (or flooding with made-up ones)
/// costs the guesser, not the key store. A key already known good is still accepted from that client.
/// </summary>
public sealed class FailedAuthentications(KeyOptions options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly BoundedLru<string, (long Start, int Count)> _clients = new(options.ClientsTracked);

    /// <summary>How long <paramref name="client"/> must wait before its next unknown key is looked up; null if it need not.</summary>
    public TimeSpan? Throttled(string client)
    {
        if (!_clients.TryGet(client, out var window) || window.Count < options.FailuresPerMinute)
        {
            return null;
        }

        var left = Window - clock.GetElapsedTime(window.Start);
        return left > TimeSpan.Zero ? left : null;
    }

    public void Record(string client)
    {
        var now = clock.GetTimestamp();
        _clients.Set(client, _clients.TryGet(client, out var window) && clock.GetElapsedTime(window.Start, now) < Window
            ? (window.Start, window.Count + 1)
            : (now, 1));
    }
}
