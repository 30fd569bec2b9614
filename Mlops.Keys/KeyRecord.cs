namespace Mlops.Keys;

/// <summary>A key as the store keeps it: never its secret, only a hint of it.</summary>
public sealed record KeyRecord(string Id, string Name, string Role, string Hint, DateTimeOffset Created, DateTimeOffset? Revoked);
