namespace Mlops.Keys;

/// <summary>
/// The four roles a key can carry (the services turn them into permissions, authorization policies). Roles are not
/// ranked: a predictor may predict but not read, a viewer may read but not predict.
/// </summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Developer = "developer";
    public const string Predictor = "predictor";
    public const string Viewer = "viewer";

    /// <summary>The gateway's own identity towards the runner (watch endpoints, report load); never issued to people.</summary>
    public const string Service = "service";

    public static readonly IReadOnlyList<string> Issuable = [Admin, Developer, Predictor, Viewer];

    public static bool IsIssuable(string role) => Issuable.Contains(role, StringComparer.Ordinal);
}
