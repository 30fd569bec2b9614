using System.Text;
using System.Text.RegularExpressions;

namespace Mlops.Runner.Images;

/// <summary>
/// .dockerignore matching as the Docker CLI does it (the engine does not apply the file to a context
/// sent over the API): patterns over '/'-separated relative paths with *, ?, ** and [classes]; a
/// pattern also excludes everything under a matching folder; '!' re-includes; the last match wins.
/// </summary>
public sealed class DockerIgnore
{
    /// <summary>Never worth sending: build outputs and VCS metadata.</summary>
    public static readonly string[] DefaultPatterns = ["**/bin", "**/obj", ".git", "**/.vs"];

    private readonly List<(Regex Pattern, bool Exclude)> _rules = [];

    public DockerIgnore(IEnumerable<string> patterns)
    {
        foreach (var raw in patterns)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclude = !line.StartsWith('!');
            var pattern = Clean(exclude ? line : line[1..].Trim());
            if (pattern.Length > 0)
            {
                _rules.Add((new Regex(ToRegex(pattern), RegexOptions.CultureInvariant), exclude));
            }
        }
    }

    public static DockerIgnore ForDirectory(string directory)
    {
        var file = Path.Combine(directory, ".dockerignore");
        var patterns = File.Exists(file) ? DefaultPatterns.Concat(File.ReadLines(file)) : DefaultPatterns;
        return new DockerIgnore(patterns);
    }

    /// <summary>True when <paramref name="relativePath"/> ('/'-separated) must stay out of the context.</summary>
    public bool IsExcluded(string relativePath)
    {
        var excluded = false;
        foreach (var (pattern, exclude) in _rules)
        {
            if (Matches(pattern, relativePath))
            {
                excluded = exclude;
            }
        }

        return excluded;
    }

    private static bool Matches(Regex pattern, string path)
    {
        if (pattern.IsMatch(path))
        {
            return true;
        }

        // A pattern that names a folder excludes its contents too.
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (pattern.IsMatch(path[..slash]))
            {
                return true;
            }
        }

        return false;
    }

    private static string Clean(string pattern)
    {
        pattern = pattern.Replace('\\', '/');
        while (pattern.StartsWith("./", StringComparison.Ordinal) || pattern.StartsWith('/'))
        {
            pattern = pattern.StartsWith('/') ? pattern[1..] : pattern[2..];
        }

        return pattern.TrimEnd('/');
    }

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                        regex.Append("(.*/)?");
                    }
                    else
                    {
                        regex.Append(".*");
                    }

                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }

                    var set = pattern[(i + 1)..end];
                    regex.Append('[').Append(set.StartsWith('^') || set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return regex.Append('$').ToString();
    }
}
