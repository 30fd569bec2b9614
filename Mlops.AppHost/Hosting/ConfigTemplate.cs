using System.Text.RegularExpressions;

namespace Mlops.AppHost.Hosting;

/// <summary>${NAME} substitution, as envsubst and the nginx image do it; a name with no value is an error, not an empty string.</summary>
public static partial class ConfigTemplate
{
    public static string Render(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(template, match => values.TryGetValue(match.Groups[1].Value, out var value)
            ? value
            : throw new InvalidOperationException($"the template needs ${{{match.Groups[1].Value}}}, which has no value"));

    [GeneratedRegex(@"\$\{([A-Z_][A-Z0-9_]*)\}")]
    private static partial Regex Placeholder();
}
