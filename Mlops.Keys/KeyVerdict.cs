namespace Mlops.Keys;

/// <summary>What a bearer secret turned out to be: a key, a refusal, or a refusal unheard because its client guessed too often.</summary>
public sealed record KeyVerdict(KeyRecord? Key, TimeSpan? RetryAfter = null)
{
    public static readonly KeyVerdict Refused = new((KeyRecord?)null);
}
