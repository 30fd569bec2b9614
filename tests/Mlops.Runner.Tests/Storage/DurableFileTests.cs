using System.Text.Json.Nodes;
using Mlops.Runner.Invocations;
using Mlops.Runner.Storage;

namespace Mlops.Runner.Tests.Storage;

public sealed class DurableFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mlops-durable-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ResultWrite_FlushesTheFileAndItsFolder_AndLeavesNoPartial()
    {
        var results = new ResultFiles(_root);
        var before = DurableFile.Flushes;

        results.Write("0123", new InvocationResult(new JsonObject { ["accuracy"] = 0.9 }, [], []));

        Assert.True(DurableFile.Flushes - before >= 2);
        Assert.Equal(["0123.json"], Directory.GetFiles(_root).Select(Path.GetFileName));
        Assert.Equal(0.9, results.Read("0123")!.Metrics["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public void FlushTree_AFolderWithALinkOut_FlushesWithoutFollowingIt()
    {
        var tree = Directory.CreateDirectory(Path.Combine(_root, "tree", "meta")).FullName;
        File.WriteAllText(Path.Combine(tree, "model.json"), "{}");
        File.CreateSymbolicLink(Path.Combine(tree, "out"), "/nonexistent/target");
        var before = DurableFile.Flushes;

        DurableFile.FlushTree(Path.Combine(_root, "tree"));

        Assert.True(DurableFile.Flushes - before >= 3);
    }
}
