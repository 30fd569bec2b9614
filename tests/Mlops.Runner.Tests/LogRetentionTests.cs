using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Invocations;

namespace Mlops.Runner.Tests;

public sealed class LogRetentionTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-retention-test-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Sweep_DeletesLogsPastTheirAgeThenTheOldestPastTheBudget_ButNeverARunningOnesOrOtherFiles()
    {
        var options = Options.Create(new RunnerOptions { DataPath = Path.Combine(_root.FullName, "data"), LogsPath = Path.Combine(_root.FullName, "logs"), LogRetentionDays = 7, LogsMaxMb = 1 });
        var history = new InvocationStore(options, NullLogger<InvocationStore>.Instance);
        var running = InvocationStore.NewId();
        history.Begin(new InvocationRecord(running, "train", InvocationStatus.Running, DateTimeOffset.UtcNow, null, null, null, InvocationPhases.Zero, null, null, null, "x"));
        var ancient = Log("train", InvocationStore.NewId(), 10, DateTime.UtcNow.AddDays(-8));
        var runningLog = Log("train", running, 10, DateTime.UtcNow.AddDays(-9));
        var older = Log("predict", InvocationStore.NewId(), 600_000, DateTime.UtcNow.AddHours(-2));
        var newer = Log("predict", InvocationStore.NewId(), 600_000, DateTime.UtcNow.AddHours(-1));
        var notOurs = Path.Combine(options.Value.LogsPath, "notes.log");
        File.WriteAllText(notOurs, "mine");
        File.SetLastWriteTimeUtc(notOurs, DateTime.UtcNow.AddDays(-100));

        var deleted = new LogRetention(history, options, TimeProvider.System, NullLogger<LogRetention>.Instance).Sweep();

        Assert.Equal(2, deleted);
        Assert.False(File.Exists(ancient));
        Assert.False(File.Exists(older));
        Assert.True(File.Exists(newer));
        Assert.True(File.Exists(runningLog));
        Assert.True(File.Exists(notOurs));

        string Log(string function, string id, int bytes, DateTime written)
        {
            var path = InvocationLogFile.PathFor(options.Value.LogsPath, function, id);
            Directory.CreateDirectory(options.Value.LogsPath);
            File.WriteAllBytes(path, new byte[bytes]);
            File.SetLastWriteTimeUtc(path, written);
            return path;
        }
    }
}
