using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Invocations;

namespace Mlops.Runner.Tests;

/// <summary>History on a real SQLite database and real result files, in a temp folder.</summary>
public sealed class InvocationStoreTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("mlops-history-test-");

    [Fact]
    public void List_IsNewestFirstAndFiltersByFunction()
    {
        var store = Store();
        var a = Finished("train");
        var b = Finished("predict");
        var c = Finished("train");
        Keep(store, a, b, c);

        Assert.Equal([c.Id, b.Id, a.Id], store.List(null, 10).Select(r => r.Id));
        Assert.Equal([c.Id, a.Id], store.List("train", 10).Select(r => r.Id));
        Assert.Equal([c.Id], store.List(null, 1).Select(r => r.Id));
    }

    [Fact]
    public void Put_BeyondTheHistorySize_EvictsTheOldestFinishedButNeverARunningOne()
    {
        var store = Store(history: 2);
        var running = Finished("train") with { EndedAt = null, Status = InvocationStatus.Running };
        var oldest = Finished("train");
        var older = Finished("train");
        var newest = Finished("train");
        Keep(store, running, oldest, older, newest);

        Assert.Equal([newest.Id, older.Id, running.Id], store.List(null, 10).Select(r => r.Id));
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<RunnerException>(() => store.Get(oldest.Id)).Kind);
    }

    [Fact]
    public void Put_ALongRunThatFinishesLast_IsKept_ThoughItBeganFirst()
    {
        var store = Store(history: 2);
        var longTraining = Finished("train") with { EndedAt = null, Status = InvocationStatus.Running };
        store.Begin(longTraining);
        Keep(store, Finished("predict"), Finished("predict"), Finished("predict"));

        store.Put(longTraining with { Status = InvocationStatus.Succeeded, EndedAt = DateTimeOffset.UtcNow.AddSeconds(1) });

        Assert.Equal(InvocationStatus.Succeeded, store.Get(longTraining.Id).Status);
        Assert.Equal(2, store.List(null, 10).Count);
    }

    [Fact]
    public void Put_BeyondTheResultBudget_EvictsTheOldestAndDeletesTheirResultFiles()
    {
        var store = Store(resultsMb: 1);
        var big = new string('x', 700_000);
        var first = Finished("train") with { Result = Result(big) };
        var second = Finished("train") with { Result = Result(big) };
        Keep(store, first, second);

        Assert.Equal([second.Id], store.List(null, 10).Select(r => r.Id));
        Assert.Equal([$"{second.Id}.json"], Directory.EnumerateFiles(store.ResultsDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public void Put_SameIdAgain_UpdatesInPlace()
    {
        var store = Store();
        var record = Finished("train") with { Status = InvocationStatus.Running, EndedAt = null };
        store.Begin(record);
        store.Put(record with { Status = InvocationStatus.Succeeded, EndedAt = DateTimeOffset.UtcNow });

        Assert.Equal(InvocationStatus.Succeeded, store.Get(record.Id).Status);
        Assert.Single(store.List(null, 10));
    }

    [Fact]
    public void Get_AfterARestart_HasTheRecordAndItsResultButListHasNoResults()
    {
        var record = Finished("train") with { ExitCode = 0, Image = "mlops/train:abc", Result = Result("setosa") };
        Keep(Store(), record);

        var reopened = Store();
        var kept = reopened.Get(record.Id);

        Assert.Equal("mlops/train:abc", kept.Image);
        Assert.Equal(record.CreatedAt.ToUnixTimeMilliseconds(), kept.CreatedAt.ToUnixTimeMilliseconds());
        Assert.Equal("setosa", kept.Result!.Data["class"]!.GetValue<string>());
        Assert.Null(Assert.Single(reopened.List(null, 10)).Result);
    }

    [Fact]
    public void FailUnfinished_AfterACrash_EndsTheRunningOnesAsFailedSayingWhy()
    {
        var running = Finished("train") with { EndedAt = null, Status = InvocationStatus.Running };
        var done = Finished("predict");
        var crashed = Store();
        crashed.Begin(running);
        Keep(crashed, done);

        var restarted = Store();
        Assert.Equal(1, restarted.FailUnfinished(DateTimeOffset.UtcNow));

        var record = restarted.Get(running.Id);
        Assert.Equal(InvocationStatus.Failed, record.Status);
        Assert.NotNull(record.EndedAt);
        Assert.Equal(ErrorKind.Unavailable, record.ErrorKind);
        Assert.Contains("runner stopped", record.ErrorMessage);
        Assert.Equal(InvocationStatus.Succeeded, restarted.Get(done.Id).Status);
        Assert.Equal(0, restarted.FailUnfinished(DateTimeOffset.UtcNow));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("0123456789ABCDEF0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef\n")]
    public void Get_MalformedId_IsInvalidArgument(string? id) =>
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<RunnerException>(() => Store().Get(id)).Kind);

    public void Dispose() => _data.Delete(recursive: true);

    private InvocationStore Store(int history = 100, int resultsMb = 100) => new(
        Options.Create(new RunnerOptions { DataPath = _data.FullName, HistorySize = history, HistoryResultsMb = resultsMb }),
        NullLogger<InvocationStore>.Instance);

    private static void Keep(InvocationStore store, params InvocationRecord[] records)
    {
        foreach (var record in records)
        {
            store.Begin(record with { EndedAt = null, Status = InvocationStatus.Pending, Result = null });
            store.Put(record);
        }
    }

    private static InvocationResult Result(string value) => new([], [], new JsonObject { ["class"] = value });

    private static InvocationRecord Finished(string function) => new(
        InvocationStore.NewId(), function, InvocationStatus.Succeeded, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
        null, 0, InvocationPhases.Zero, null, null, null, "/logs/x.log");
}
