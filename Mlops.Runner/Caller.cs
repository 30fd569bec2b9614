namespace Mlops.Runner;

/// <summary>Who asks: the key's id (never its secret) and whether it is an admin's. Quotas and ownership go by it.</summary>
/// <param name="KeyId">Null for the runner's own work (an invocation resumed after a restart).</param>
public sealed record Caller(string? KeyId, bool IsAdmin)
{
    public static readonly Caller Runner = new(null, IsAdmin: true);
}
