using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Benchmarks;

/// <summary>The benchmark's own copies of functions: a folder copied as it is, or with its function.json changed.</summary>
internal static class FunctionCopies
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Copies a function's folder, without what a local build left in bin/ and obj/.</summary>
    public static void Copy(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    /// <summary>Reads the function.json in <paramref name="folder"/> as JSON, lets <paramref name="change"/> edit it, and writes it back.</summary>
    public static void EditManifest(string folder, Action<JsonObject> change)
    {
        var path = Path.Combine(folder, "function.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidOperationException($"{path} is not a JSON object");
        change(manifest);
        File.WriteAllText(path, manifest.ToJsonString(Indented));
    }

    /// <summary>Without its "pool" block, every invocation of the function starts its own container, as before warm pools.</summary>
    public static void RemovePool(string folder) => EditManifest(folder, manifest => manifest.Remove("pool"));
}
