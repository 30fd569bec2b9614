using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Models;

/// <summary>
/// The newest model each name was given by a successful invocation of a function that produces one, kept at
/// data/models/&lt;name&gt;/latest and handed, read-only, to functions that consume it. Replacing it is a
/// rename, so a reader sees the old model or the new one, never half of either. (The model registry takes
/// this over: versions, aliases, runs.)
/// </summary>
public sealed partial class LocalModelStore(IOptions<RunnerOptions> options, IHostEnvironment environment)
{
    public const string ModelFolder = "model";

    /// <summary>What the function's output folder may hold under model/: enough for real models, not a disk.</summary>
    private const long MaxModelBytes = 2L * 1024 * 1024 * 1024;

    private readonly string _root = Path.Combine(Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.DataPath)), "models");
    private readonly SemaphoreSlim _sync = new(1, 1);

    public static string ValidateName(string name, string field) =>
        NamePattern().IsMatch(name)
            ? name
            : throw RunnerException.InvalidArgument(field, "must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit");

    public bool Exists(string name) => Directory.Exists(Latest(name));

    /// <summary>Makes the files under <paramref name="source"/> the newest model of <paramref name="name"/>.</summary>
    public async Task PublishAsync(string name, string source, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(_root, name, $".staging-{Guid.NewGuid():N}");
        try
        {
            // The function wrote these files: copy them without following links and within a size budget.
            await CopyUntrustedAsync(source, staging, cancellationToken);
            await _sync.WaitAsync(cancellationToken);
            try
            {
                var latest = Latest(name);
                var previous = Path.Combine(_root, name, $".previous-{Guid.NewGuid():N}");
                if (Directory.Exists(latest))
                {
                    Directory.Move(latest, previous);
                }

                Directory.Move(staging, latest);
                if (Directory.Exists(previous))
                {
                    Directory.Delete(previous, recursive: true);
                }
            }
            finally
            {
                _sync.Release();
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Copies the newest model of <paramref name="name"/> to <paramref name="target"/>.</summary>
    /// <exception cref="RunnerException">FailedPrecondition when no model of that name exists yet.</exception>
    public async Task StageAsync(string name, string target, string producer, CancellationToken cancellationToken)
    {
        await _sync.WaitAsync(cancellationToken);
        try
        {
            var latest = Latest(name);
            if (!Directory.Exists(latest))
            {
                throw RunnerException.FailedPrecondition($"there is no model '{name}' yet: invoke '{producer}' first to train one");
            }

            foreach (var file in Directory.EnumerateFiles(latest, "*", SearchOption.AllDirectories))
            {
                var destination = Path.Combine(target, Path.GetRelativePath(latest, file));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination);
            }
        }
        finally
        {
            _sync.Release();
        }
    }

    private string Latest(string name) => Path.Combine(_root, name, "latest");

    private static async Task CopyUntrustedAsync(string source, string target, CancellationToken cancellationToken)
    {
        long total = 0;
        Directory.CreateDirectory(target);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, entry.FullName));
            if (entry.LinkTarget is not null)
            {
                throw RunnerException.FailedPrecondition($"the model holds a symbolic link ({Path.GetRelativePath(source, entry.FullName)}); models must be plain files");
            }

            if (entry is DirectoryInfo)
            {
                Directory.CreateDirectory(destination);
                continue;
            }

            byte[] content;
            try
            {
                content = await UntrustedFile.ReadAllBytesAsync(entry.FullName, MaxModelBytes - total, cancellationToken);
            }
            catch (IOException ex)
            {
                throw RunnerException.FailedPrecondition($"the model file {Path.GetRelativePath(source, entry.FullName)} {ex.Message}");
            }

            total += content.Length;
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            await File.WriteAllBytesAsync(destination, content, cancellationToken);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex NamePattern();
}
