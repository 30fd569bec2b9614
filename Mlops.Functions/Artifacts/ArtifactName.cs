using System.Text.RegularExpressions;

namespace Mlops.Functions.Artifacts;

/// <summary>The runner's rule for artifact names (they are folder names and parts of pipeline references).</summary>
internal static partial class ArtifactName
{
    public const string Folder = "artifacts";

    public static string Checked(string name) =>
        name is not null && Pattern().IsMatch(name)
            ? name
            : throw new ArgumentException($"'{name}' is not an artifact name: a lowercase letter, then up to 62 lowercase letters, digits or '_'", nameof(name));

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex Pattern();
}
