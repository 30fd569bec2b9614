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

    private const long MaxFileBytes = 64 * 1024;

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

    public static async Task<DockerIgnore> ForDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        try
        {
            var content = await UntrustedFile.ReadAllBytesAsync(Path.Combine(directory, ".dockerignore"), MaxFileBytes, cancellationToken);
            return new DockerIgnore(DefaultPatterns.Concat(Encoding.UTF8.GetString(content).Split('\n')));
        }
        catch (FileNotFoundException)
        {
            return new DockerIgnore(DefaultPatterns);
        }
        catch (IOException ex)
        {
            throw RunnerException.FailedPrecondition($"'{Path.GetFileName(directory)}/.dockerignore' {ex.Message}");
        }
    }

    /// <summary>Whether a '!' rule exists, so that part of an excluded folder may be sent after all.</summary>
    public bool HasExceptions => _rules.Any(rule => !rule.Exclude);

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
        if (OperatingSystem.IsWindows())
        {
            pattern = pattern.Replace('\\', '/');
        }
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
                case '\\' when !OperatingSystem.IsWindows() && i + 1 < pattern.Length:
                    i++;
                    regex.Append(Regex.Escape(pattern[i].ToString()));
                    break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }

                    var set = pattern[(i + 1)..end];
                    // Only '^' negates a class, as in Go's filepath.Match.
                    regex.Append('[').Append(set.StartsWith('^') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
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
