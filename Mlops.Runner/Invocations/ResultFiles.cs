using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Invocations;

/// <summary>Each finished invocation's result, once, as data/history/results/&lt;id&gt;.json; put in place durably by one rename.</summary>
internal sealed class ResultFiles
{
    public ResultFiles(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    /// <summary>Writes the result; returns its size in bytes.</summary>
    public long Write(string id, InvocationResult result)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["metrics"] = result.Metrics.DeepClone(),
            ["params"] = result.Params.DeepClone(),
            ["data"] = result.Data.DeepClone(),
        }, RunnerJson.Default.JsonObject);
        Storage.DurableFile.WriteAllBytes(PathOf(id), bytes, InvocationStore.PartialSuffix);
        return bytes.Length;
    }

    /// <summary>The result, or null when its file is gone (removed by hand, or pruned meanwhile).</summary>
    public InvocationResult? Read(string id)
    {
        try
        {
            var json = JsonNode.Parse(File.ReadAllBytes(PathOf(id))) as JsonObject;
            return json is null ? null : new InvocationResult(Take(json, "metrics"), Take(json, "params"), Take(json, "data"));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Delete(string id) => File.Delete(PathOf(id));

    /// <summary>Detaches the section from the parsed file: no copy.</summary>
    private static JsonObject Take(JsonObject json, string name) => json[name] is JsonObject section && json.Remove(name) ? section : [];

    private string PathOf(string id) => Path.Combine(Directory, $"{id}.json");
}
