using Microsoft.Extensions.Options;

namespace Mlops.Runner.Functions;

/// <summary>
/// The functions are the folders under the functions path that hold a function.json. The disk is read on
/// every call, so adding, changing or removing a folder takes effect without a restart or a list to edit.
/// </summary>
public sealed class FunctionCatalog(IOptions<RunnerOptions> options)
{
    private const int MaxManifestBytes = 256 * 1024;

    public string Root { get; } = options.Value.FunctionsPath;

    public async Task<IReadOnlyList<FunctionEntry>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var entries = new List<FunctionEntry>();
        foreach (var name in Directory.EnumerateDirectories(Root).Select(Path.GetFileName).Where(FunctionName.IsValid).Order(StringComparer.Ordinal))
        {
            // A folder without a manifest is not a function (yet); one removed meanwhile is gone.
            if (await ReadAsync(name!, cancellationToken) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>The manifest of a function that can be invoked.</summary>
    /// <exception cref="RunnerException">InvalidArgument for a malformed name, NotFound, or FailedPrecondition for a broken manifest.</exception>
    public async Task<FunctionManifest> GetAsync(string? name, CancellationToken cancellationToken)
    {
        var valid = FunctionName.Validate(name);
        var entry = await ReadAsync(valid, cancellationToken) ?? throw RunnerException.NotFound($"function '{valid}' does not exist");
        return entry.Manifest ?? throw RunnerException.FailedPrecondition($"function '{entry.Name}' has an invalid {FunctionManifest.FileName}: {entry.Error}");
    }

    private async Task<FunctionEntry?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Root, name);
        byte[] content;
        try
        {
            content = await UntrustedFile.ReadAllBytesAsync(Path.Combine(directory, FunctionManifest.FileName), MaxManifestBytes, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FunctionEntry(name, null, $"{FunctionManifest.FileName} {ex.Message}");
        }

        try
        {
            return new FunctionEntry(name, ManifestReader.Parse(name, directory, System.Text.Encoding.UTF8.GetString(content)), null);
        }
        catch (ManifestException ex)
        {
            return new FunctionEntry(name, null, ex.Message);
        }
    }
}
