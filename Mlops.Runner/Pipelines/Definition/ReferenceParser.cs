using System.Text.RegularExpressions;

namespace Mlops.Runner.Pipelines;

/// <summary>Reads the text between "${" and "}" into a <see cref="Reference"/>.</summary>
internal static partial class ReferenceParser
{
    private const string Expected = "expected ${inputs.<name>}, ${item}, ${steps.<id>.result.<path>} or ${steps.<id>.artifacts.<name>}";

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,100}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Segment();

    public static Reference Parse(string inner, string field)
    {
        var text = "${" + inner + "}";
        var parts = inner.Split('.');
        if (parts.Any(part => !Segment().IsMatch(part)))
        {
            throw RunnerException.InvalidArgument(field, $"{text} is not a reference ({Expected})");
        }

        return parts switch
        {
            ["inputs", var name] => new Reference(ReferenceKind.Input, name, [], text),
            ["item", .. var path] => new Reference(ReferenceKind.Item, null, path, text),
            ["steps", var step, "result", .. var path] => new Reference(ReferenceKind.Result, step, path, text),
            ["steps", var step, "artifacts", var name] => new Reference(ReferenceKind.Artifact, step, [name], text),
            _ => throw RunnerException.InvalidArgument(field, $"{text} is not a reference ({Expected})"),
        };
    }
}
