using System.Text.RegularExpressions;

namespace Mlops.Runner.Pipelines;

/// <summary>Artifact names follow the step-id rule: they are folder names and parts of references.</summary>
public static partial class ArtifactName
{
    /// <summary>The artifact a model-producing function's model/ folder becomes.</summary>
    public const string Model = "model";

    /// <summary>Under the input and output folders: artifacts/&lt;name&gt;/.</summary>
    public const string Folder = "artifacts";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex Pattern();
}
