namespace Mlops.Keys;

/// <summary>A key as it is issued: the secret is shown this once and never stored.</summary>
public sealed record IssuedKey(KeyRecord Record, string Secret);
