using System.Globalization;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Registry;

/// <summary>
/// The SHA-256 of every file of each model version, kept by the runner under data/model-digests (where no
/// registry, MLflow least of all, can write) when it registers the version or first downloads it. A download is
/// checked against these, never against a checksum file stored beside the model by whoever stores the model.
/// </summary>
public sealed class ModelDigests(IOptions<RunnerOptions> options)
{
    public const string Folder = "model-digests";

    private readonly string _root = Path.Combine(options.Value.DataPath, Folder);

    /// <summary>The sums kept for the version, or null when the runner has none yet.</summary>
    public async Task<SortedDictionary<string, string>?> GetAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        var file = FileOf(version);
        if (!File.Exists(file))
        {
            return null;
        }

        return ModelChecksums.Deserialize(await File.ReadAllBytesAsync(file, cancellationToken));
    }

    /// <summary>Keeps the sums of a version; the first kept stays (a later download cannot replace what vouches for it).</summary>
    public async Task KeepAsync(ModelVersion version, SortedDictionary<string, string> sums, CancellationToken cancellationToken)
    {
        var file = FileOf(version);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var partial = $"{file}.{Guid.NewGuid():N}.partial";
        try
        {
            await using (var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
            {
                await stream.WriteAsync(ModelChecksums.Serialize(sums), cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(partial, file, overwrite: false);
        }
        catch (IOException) when (File.Exists(file))
        {
            // Kept meanwhile by another first download of the same version: that one stands.
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>By name, number and run: a model deleted and registered again in MLflow restarts at version 1.</summary>
    private string FileOf(ModelVersion version) => Path.Combine(
        _root,
        RegistryNames.Model(version.Name, "model_name"),
        $"{version.Version.ToString(CultureInfo.InvariantCulture)}-{RegistryNames.RunId(version.RunId, "run_id")}.sha256.json");
}
