namespace Mlops.Keys;

/// <summary>
/// Answers "which key is this" from <see cref="KeyStore"/>, remembering each answer for a few seconds: a
/// prediction path that serves thousands of calls a second cannot open SQLite for each. Good and refused keys
/// are remembered apart, each in a bounded LRU keyed by the secret's hash, so a flood of made-up keys can push
/// out only other made-up keys. A secret not shaped like a key is refused without a look-up, and a client with
/// too many refusals gets none either (<see cref="FailedAuthentications"/>), but for the keys already found good. A revocation takes effect within
/// <see cref="KeyOptions.CacheSeconds"/>.
/// </summary>
public sealed class KeyVerifier(KeyStore store, KeyOptions options, FailedAuthentications failures, TimeProvider clock)
{
    private readonly BoundedLru<string, (KeyRecord Record, long Expires)> _known = new(options.KnownKeysCached);
    private readonly BoundedLru<string, long> _refused = new(options.RefusedKeysCached);

    /// <param name="client">The caller's address (behind a proxy, the one it forwarded for), whose refusals are counted.</param>
    public async ValueTask<KeyVerdict> VerifyAsync(string secret, string client, CancellationToken cancellationToken)
    {
        if (!ApiKeys.IsWellFormed(secret))
        {
            return Refuse(client);
        }

        var hash = ApiKeys.Hash(secret);
        var now = clock.GetTimestamp();
        var seenGood = _known.TryGet(hash, out var known);
        if (seenGood && known.Expires > now)
        {
            return new KeyVerdict(known.Record);
        }

        // A key found good before is looked up again even for a throttled client: only its holder can send it, and
        // the holder may share an address (a NAT, a proxy, this machine) with whoever floods us with made-up keys.
        if (!seenGood && failures.Throttled(client) is { } wait)
        {
            return new KeyVerdict(null, wait);
        }

        if (_refused.TryGet(hash, out var expires) && expires > now)
        {
            return Refuse(client);
        }

        var record = await store.FindAsync(secret, includeRevoked: false, cancellationToken);
        var until = now + (long)(options.CacheSeconds * clock.TimestampFrequency);
        if (record is null)
        {
            _known.Remove(hash);
            _refused.Set(hash, until);
            return Refuse(client);
        }

        _refused.Remove(hash);
        _known.Set(hash, (record, until));
        return new KeyVerdict(record);
    }

    private KeyVerdict Refuse(string client)
    {
        failures.Record(client);
        return KeyVerdict.Refused;
    }
}
