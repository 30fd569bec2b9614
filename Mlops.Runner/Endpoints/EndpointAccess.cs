namespace Mlops.Runner.Endpoints;

/// <summary>A developer changes and deletes the endpoints their key created; an admin any.</summary>
public static class EndpointAccess
{
    /// <param name="owner">The key id that created the endpoint; null for one stored before owners were kept (an admin's then).</param>
    /// <exception cref="RunnerException">PermissionDenied.</exception>
    public static void EnsureMayChange(Caller caller, string endpoint, string? owner)
    {
        if (caller.IsAdmin || (owner is not null && owner == caller.KeyId))
        {
            return;
        }

        throw new RunnerException(ErrorKind.PermissionDenied,
            $"endpoint '{endpoint}' was created by another key: only that key or an admin may change or delete it");
    }
}
