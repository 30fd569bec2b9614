using System.Security.Cryptography;
using System.Text.Json;

namespace Mlops.Runner.Registry;

/// <summary>
/// The SHA-256 of every file of a registered model, stored beside it as &lt;artifact path&gt;.sha256.json, so
/// that a download can be checked whichever backend served it.
/// </summary>
public static class ModelChecksums
{
    public static string ArtifactPathFor(string modelArtifactPath) => modelArtifactPath + ".sha256.json";

    /// <summary>relative path -> lowercase hex SHA-256, for every file under <paramref name="directory"/>.</summary>
    public static async Task<SortedDictionary<string, string>> ComputeAsync(string directory, CancellationToken cancellationToken)
    {
        var sums = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            await using var stream = File.OpenRead(file);
            sums[Path.GetRelativePath(directory, file).Replace('\\', '/')] = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }

        return sums;
    }

    /// <summary>The sum of a file the runner adds to a model without writing it to the folder (its MLmodel).</summary>
    public static string Of(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static byte[] Serialize(SortedDictionary<string, string> sums) => JsonSerializer.SerializeToUtf8Bytes(sums, RunnerJson.Default.SortedDictionaryStringString);

    /// <summary>Ordinal, as <see cref="ComputeAsync"/> sorts: a download is checked by comparing the two in order.</summary>
    public static SortedDictionary<string, string> Deserialize(byte[] content) =>
        new(JsonSerializer.Deserialize(content, RunnerJson.Default.DictionaryStringString) ?? throw new JsonException("empty checksum file"), StringComparer.Ordinal);
}
