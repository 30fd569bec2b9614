namespace Mlops.Functions.Artifacts;

/// <summary>
/// Where a function leaves artifacts for the steps after it: folders under <c>/mlops/output/artifacts/&lt;name&gt;/</c>,
/// each stored by its content's digest when the step succeeds.
/// </summary>
public sealed class OutputArtifacts(string output)
{
    private readonly string _root = Path.Combine(output, ArtifactName.Folder);

    /// <summary>The folder of the artifact <paramref name="name"/>, made on first use.</summary>
    public string FolderOf(string name) => Directory.CreateDirectory(Path.Combine(_root, ArtifactName.Checked(name))).FullName;

    /// <summary>A file of the artifact <paramref name="name"/> (its folders are made): <c>PathOf("dataset", "train.csv")</c>.</summary>
    /// <param name="name">The artifact's name: a lowercase letter, then up to 62 lowercase letters, digits or '_'.</param>
    /// <param name="file">A relative path inside the artifact, '/'-separated; it may not leave the artifact's folder.</param>
    public string PathOf(string name, string file)
    {
        var folder = FolderOf(name);
        var path = Path.GetFullPath(Path.Combine(folder, file));
        if (Path.IsPathRooted(file) || !path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{file}' is not a relative path inside the artifact '{name}'", nameof(file));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
