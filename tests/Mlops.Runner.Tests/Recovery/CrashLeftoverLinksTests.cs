using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Invocations;
using Mlops.Runner.Recovery;

namespace Mlops.Runner.Tests.Recovery;

public sealed class CrashLeftoverLinksTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mlops-leftover-links-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Start_LeftoverWithLinksToHostFiles_IsRemovedOnlyAfterTheJanitorsSweep_AndTheTargetsAreUntouched()
    {
        var data = Path.Combine(_root, "data");
        var host = Directory.CreateDirectory(Path.Combine(_root, "host")).FullName;
        var hostFile = Path.Combine(host, "passwd");
        File.WriteAllText(hostFile, "root:x:0:0");
        var hostFolder = Directory.CreateDirectory(Path.Combine(host, "etc")).FullName;
        File.WriteAllText(Path.Combine(hostFolder, "shadow"), "secret");
        var workspace = Directory.CreateDirectory(Path.Combine(data, "invocations", "0123abcd", "output")).FullName;
        File.CreateSymbolicLink(Path.Combine(workspace, "model.zip"), hostFile);
        Directory.CreateSymbolicLink(Path.Combine(workspace, "model"), hostFolder);
        var runFolder = Path.Combine(data, "replicas");
        Directory.CreateDirectory(runFolder);
        Directory.CreateSymbolicLink(Path.Combine(runFolder, "r-0123"), hostFolder);
        var options = Options.Create(new RunnerOptions { DataPath = data, FunctionsPath = _root, LogsPath = _root });
        var swept = new FirstSweep();
        var leftovers = new CrashLeftovers(options, new InvocationStore(options, NullLogger<InvocationStore>.Instance), TimeProvider.System, NullLogger<CrashLeftovers>.Instance, swept);

        await leftovers.StartAsync(CancellationToken.None);
        var beforeTheSweep = Directory.Exists(workspace);
        swept.Complete();
        await leftovers.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(beforeTheSweep);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(data, "invocations")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(runFolder));
        Assert.Equal("root:x:0:0", File.ReadAllText(hostFile));
        Assert.Equal("secret", File.ReadAllText(Path.Combine(hostFolder, "shadow")));
    }
}
