namespace Mlops.AppHost.Pipelines;

/// <summary>
/// A pipeline run of the runner, as the dashboard shows it: not started by Aspire but mirrored from the runner's
/// run watch stream. Named after its pipeline and the start of its id (<c>pipeline-iris-1a2b3c4d</c>): the prefix
/// keeps a run from taking the name of one of the app's own resources.
/// </summary>
public sealed class PipelineRunResource(string name, string pipeline, string runId) : Resource(name)
{
    public const string Type = "PipelineRun";

    /// <summary>How much of the run id a name shows, unless another run's name already took that.</summary>
    public const int ShortIdLength = 8;

    private const string Prefix = "pipeline-";

    /// <summary>Aspire's bound on a resource name.</summary>
    private const int MaxNameLength = 64;

    public string Pipeline { get; } = pipeline;

    public string RunId { get; } = runId;

    /// <summary>
    /// A valid resource name (letters, digits, single hyphens, at most 64) for the run, with the first
    /// <paramref name="idLength"/> letters and digits of its id.
    /// </summary>
    public static string NameOf(string pipeline, string runId, int idLength = ShortIdLength)
    {
        var id = Hyphenated(runId);
        id = id.Replace("-", "", StringComparison.Ordinal) is { Length: > 0 } compact ? compact[..Math.Min(idLength, compact.Length)] : "run";
        var name = Hyphenated(pipeline);
        name = name[..Math.Min(name.Length, MaxNameLength - Prefix.Length - 1 - id.Length)].TrimEnd('-');
        return name.Length == 0 ? $"{Prefix}{id}" : $"{Prefix}{name}-{id}";
    }

    /// <summary>Lower-case letters and digits, anything else one hyphen, none at either end.</summary>
    private static string Hyphenated(string text)
    {
        var kept = new System.Text.StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                kept.Append(c);
            }
            else if (kept.Length > 0 && kept[^1] != '-')
            {
                kept.Append('-');
            }
        }

        return kept.ToString().TrimEnd('-');
    }
}
