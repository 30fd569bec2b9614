namespace Mlops.Keys;

/// <summary>Where keys are kept and how long a verdict on one is remembered: the <c>Auth</c> settings of the key store.</summary>
public class KeyOptions
{
    public const string SectionName = "Auth";

    /// <summary>Where keys.db and secrets/ live; relative paths are from the content root.</summary>
    public string DataPath { get; set; } = "../data";

    /// <summary>How long a verified (or refused) key is remembered; also how long a revoked key keeps working.</summary>
    public double CacheSeconds { get; set; } = 5;

    /// <summary>Good keys remembered at most (least recently used forgotten first).</summary>
    public int KnownKeysCached { get; set; } = 10_000;

    /// <summary>Refused keys remembered at most, apart from the good ones so that they cannot push those out.</summary>
    public int RefusedKeysCached { get; set; } = 10_000;

    /// <summary>Refused keys one client address may send in a minute; past it its unknown keys get 429 without a look-up.</summary>
    public int FailuresPerMinute { get; set; } = 60;

    /// <summary>Client addresses whose refusals are counted at most.</summary>
    public int ClientsTracked { get; set; } = 10_000;

    /// <summary>The file of the first admin key.</summary>
    public string AdminKeyPath() => Path.Combine(KeyFiles.SecretsPath(DataPath), KeyFiles.AdminKeyFile);

    /// <summary>The secret the gateway presents for its own calls to the runner (made by whoever needs it first).</summary>
    public string ServiceKey() => KeyFiles.Ensure(Path.Combine(KeyFiles.SecretsPath(DataPath), KeyFiles.ServiceKeyFile)).Key;

    /// <summary>Throws, naming the setting, when one is out of range; called at start.</summary>
    public void Validate()
    {
        foreach (var (name, value) in new[] { (nameof(KnownKeysCached), KnownKeysCached), (nameof(RefusedKeysCached), RefusedKeysCached), (nameof(FailuresPerMinute), FailuresPerMinute), (nameof(ClientsTracked), ClientsTracked) })
        {
            if (value < 1)
            {
                throw new InvalidOperationException($"{SectionName}:{name} must be at least 1 (it is {value})");
            }
        }
    }
}
