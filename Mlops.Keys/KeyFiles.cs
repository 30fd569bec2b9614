using System.Text;

namespace Mlops.Keys;

/// <summary>
/// Secrets kept as files under data/secrets (folder 0700, files 0600): the first admin key, and the gateway's
/// own service key. Whoever needs one first creates it; everyone after reads the same one.
/// </summary>
public static class KeyFiles
{
    public const string AdminKeyFile = "admin.key";
    public const string ServiceKeyFile = "service.key";

    public static string SecretsPath(string dataPath) => Path.Combine(dataPath, "secrets");

    /// <returns>The key, and whether this call created it.</returns>
    public static (string Key, bool Created) Ensure(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var key = ApiKeys.Generate();
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, create);
            stream.Write(Encoding.UTF8.GetBytes(key + "\n"));
            return (key, true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first (or an earlier start did): use that one.
            var existing = File.ReadAllText(path).Trim();
            return existing.Length > 0
                ? (existing, false)
                : throw new InvalidOperationException($"the key file {path} is empty; delete it to have a new key made");
        }
    }
}
