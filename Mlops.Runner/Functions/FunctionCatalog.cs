using Microsoft.Extensions.Options;

namespace Mlops.Runner.Functions;

/// <summary>
/// The functions are the folders under the functions path that hold a function.json. The disk is read on
/// every call, so adding, changing or removing a folder takes effect without a restart or a list to edit.
/// </summary>
public sealed class FunctionCatalog(IOptions<RunnerOptions> options, IHostEnvironment environment)
{
    private const int MaxManifestBytes = 256 * 1024;

    public string Root { get; } = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.FunctionsPath));

    public IReadOnlyList<FunctionEntry> List()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        return Directory.EnumerateDirectories(Root)
            .Select(Path.GetFileName)
            .Where(name => FunctionName.IsValid(name) && File.Exists(Path.Combine(Root, name!, FunctionManifest.FileName)))
            .Order(StringComparer.Ordinal)
            .Select(name => Read(name!))
            .ToList();
    }

    /// <summary>The manifest of a function that can be invoked.</summary>
    /// <exception cref="RunnerException">InvalidArgument for a malformed name, NotFound, or FailedPrecondition for a broken manifest.</exception>
    public FunctionManifest Get(string? name)
    {
        var entry = Read(FunctionName.Validate(name));
        return entry.Manifest ?? throw RunnerException.FailedPrecondition($"function '{entry.Name}' has an invalid {FunctionManifest.FileName}: {entry.Error}");
    }

    private FunctionEntry Read(string name)
    {
        var directory = Path.Combine(Root, name);
        var manifestPath = Path.Combine(directory, FunctionManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw RunnerException.NotFound($"function '{name}' does not exist");
        }

        try
        {
            var info = new FileInfo(manifestPath);
            if (info.Length > MaxManifestBytes)
            {
                return new FunctionEntry(name, null, $"larger than {MaxManifestBytes / 1024} KiB");
            }

            return new FunctionEntry(name, ManifestReader.Parse(name, directory, File.ReadAllText(manifestPath)), null);
        }
        catch (ManifestException ex)
        {
            return new FunctionEntry(name, null, ex.Message);
        }
    }
}
