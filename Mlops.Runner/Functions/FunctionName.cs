using System.Text.RegularExpressions;

namespace Mlops.Runner.Functions;

/// <summary>The one rule for function names, applied before a name is ever used in a path.</summary>
public static partial class FunctionName
{
    [GeneratedRegex(@"^[a-z][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public static string Validate(string? name, string field = "function")
    {
        if (string.IsNullOrEmpty(name))
        {
            throw RunnerException.InvalidArgument(field, "is required");
        }

        if (!IsValid(name))
        {
            throw RunnerException.InvalidArgument(field,
                "must be 1-63 characters: a lowercase letter, then lowercase letters, digits or '-'");
        }

        return name;
    }
}
