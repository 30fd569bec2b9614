using System.Text.RegularExpressions;

namespace Mlops.Runner.Registry;

/// <summary>The names the registry accepts, checked before they reach a path, a query or a URL.</summary>
public static partial class RegistryNames
{
    public static string Model(string? name, string field) =>
        name is not null && ModelPattern().IsMatch(name)
            ? name
            : throw RunnerException.InvalidArgument(field, "must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit");

    /// <summary>Aliases as MLflow allows them; "latest" and "v&lt;number&gt;" are taken by version references.</summary>
    public static string Alias(string? alias, string field)
    {
        if (alias is null || !AliasPattern().IsMatch(alias))
        {
            throw RunnerException.InvalidArgument(field, "must be 1-64 letters, digits, '_' or '-', starting with a letter");
        }

        return alias.Equals("latest", StringComparison.OrdinalIgnoreCase) || ReservedVersionAlias().IsMatch(alias)
            ? throw RunnerException.InvalidArgument(field, $"'{alias}' is reserved")
            : alias;
    }

    public static string RunId(string? id, string field) =>
        id is not null && RunIdPattern().IsMatch(id) ? id : throw RunnerException.InvalidArgument(field, "must be a run id: 32 lowercase hex digits");

    /// <summary>The most runs one tag's value is expected to find: one per invocation, and a few left by crashes.</summary>
    public const int MaxRunsByTag = 10;

    /// <summary>A tag value a search may name: an id, a name (no quote, no space).</summary>
    public static string TagValue(string value) =>
        TagValuePattern().IsMatch(value) ? value : throw RunnerException.InvalidArgument("tag", "a searched tag value must be 1-256 letters, digits, '_', '.' or '-'");

    /// <summary>'/'-separated, no empty, '.' or '..' segments, no leading '/'.</summary>
    public static string ArtifactPath(string path) =>
        IsArtifactPath(path)
            ? path
            : throw RunnerException.InvalidArgument("artifact_path", $"'{path}' is not a relative artifact path");

    public static bool IsArtifactPath(string path) =>
        path.Length > 0 && path.Length <= 1024 && path.Split('/').All(s => s.Length > 0 && s != "." && s != ".." && !s.Contains('\\') && !s.Contains('\0'));

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex ModelPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]{0,63}\z")]
    private static partial Regex AliasPattern();

    [GeneratedRegex(@"^[vV][0-9]+\z")]
    private static partial Regex ReservedVersionAlias();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,256}\z")]
    private static partial Regex TagValuePattern();

    [GeneratedRegex(@"^[0-9a-f]{32}\z")]
    private static partial Regex RunIdPattern();
}
