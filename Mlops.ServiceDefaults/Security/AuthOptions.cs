namespace Mlops.ServiceDefaults.Security;

public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Where keys.db and secrets/ live; relative paths are from the content root.</summary>
    public string DataPath { get; set; } = "../data";

    /// <summary>How long a verified (or refused) key is remembered; also how long a revoked key keeps working.</summary>
    public double CacheSeconds { get; set; } = 5;

    /// <summary>Browser origins the gateway accepts besides its own host (e.g. https://mlops.example.com).</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
