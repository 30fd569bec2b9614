using System.Text.RegularExpressions;

namespace Mlops.Runner.Pipelines;

/// <summary>The rules for the names inside a pipeline.json: step ids, input names, artifact names.</summary>
internal static partial class PlanNames
{
    public const int MaxSteps = 100;

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9_-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ArtifactPattern();

    public static void CheckId(string id, string field)
    {
        if (!IdPattern().IsMatch(id))
        {
            throw RunnerException.InvalidArgument(field, "must be 1-63 characters: a lowercase letter, then lowercase letters, digits or '_'");
        }
    }

    public static void CheckArtifact(string name, string field)
    {
        if (!ArtifactPattern().IsMatch(name))
        {
            throw RunnerException.InvalidArgument(field, "an artifact's name is 1-63 characters: a lowercase letter, then lowercase letters, digits, '_' or '-'");
        }
    }
}
