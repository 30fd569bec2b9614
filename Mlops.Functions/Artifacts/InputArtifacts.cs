namespace Mlops.Functions.Artifacts;

/// <summary>
/// The artifacts a pipeline gave this step, each a read-only folder under <c>/mlops/input/artifacts/&lt;name&gt;/</c>;
/// outside a pipeline there are none.
/// </summary>
public sealed class InputArtifacts(string input)
{
    private readonly string _root = Path.Combine(input, ArtifactName.Folder);

    /// <summary>The folder of the artifact <paramref name="name"/>.</summary>
    /// <exception cref="FunctionError">INVALID_ARGUMENT: the step was given no such artifact.</exception>
    public string this[string name] => TryGet(name, out var folder)
        ? folder
        : throw FunctionError.InvalidArgument(
            $"this step needs the artifact '{name}': give it in the pipeline step's \"artifacts\" (\"{name}\": \"${{steps.<id>.artifacts.<name>}}\")");

    /// <summary>The names given, in ordinal order.</summary>
    public IReadOnlyList<string> Names => Directory.Exists(_root)
        ? Directory.GetDirectories(_root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>Whether the artifact <paramref name="name"/> was given, and its folder if so: for an artifact the function can do without.</summary>
    public bool TryGet(string name, out string folder)
    {
        folder = Path.Combine(_root, ArtifactName.Checked(name));
        return Directory.Exists(folder);
    }
}
