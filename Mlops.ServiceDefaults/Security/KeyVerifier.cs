using System.Collections.Concurrent;

namespace Mlops.ServiceDefaults.Security;

/// <summary>
/// Answers "which key is this" from <see cref="KeyStore"/>, remembering each answer for a few seconds: a
/// prediction path that serves thousands of calls a second cannot open SQLite for each. A revocation takes
/// effect within <see cref="AuthOptions.CacheSeconds"/>.
/// </summary>
public sealed class KeyVerifier(KeyStore store, AuthOptions options, TimeProvider clock)
{
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<string, (KeyRecord? Record, long Expires)> _remembered = new(StringComparer.Ordinal);

    public async ValueTask<KeyRecord?> VerifyAsync(string secret, CancellationToken cancellationToken)
    {
        if (secret.Length is 0 or > ApiKeys.MaxLength)
        {
            return null;
        }

        var now = clock.GetTimestamp();
        if (_remembered.TryGetValue(secret, out var known) && known.Expires > now)
        {
            return known.Record;
        }

        var record = await store.FindAsync(secret, includeRevoked: false, cancellationToken);
        if (_remembered.Count >= MaxRemembered)
        {
            // A flood of made-up keys must not grow memory without end.
            _remembered.Clear();
        }

        _remembered[secret] = (record, now + (long)(options.CacheSeconds * clock.TimestampFrequency));
        return record;
    }
}
