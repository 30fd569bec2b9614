using Mlops.Runner.Invocations;

namespace Mlops.Runner.Tests;

public sealed class InvocationStoreTests
{
    [Fact]
    public void List_IsNewestFirstAndFiltersByFunction()
    {
        var store = new InvocationStore(TestOptions.Runner());
        var a = Record("train");
        var b = Record("predict");
        var c = Record("train");
        store.Put(a);
        store.Put(b);
        store.Put(c);

        Assert.Equal([c.Id, b.Id, a.Id], store.List(null, 10).Select(r => r.Id));
        Assert.Equal([c.Id, a.Id], store.List("train", 10).Select(r => r.Id));
        Assert.Equal([c.Id], store.List(null, 1).Select(r => r.Id));
    }

    [Fact]
    public void Put_BeyondTheHistorySize_EvictsTheOldestFinishedButNeverARunningOne()
    {
        var store = new InvocationStore(TestOptions.Runner(history: 2));
        var running = Record("train") with { EndedAt = null };
        var finished = Record("train");
        var newest = Record("train");
        store.Put(running);
        store.Put(finished);
        store.Put(newest);

        Assert.Equal([newest.Id, running.Id], store.List(null, 10).Select(r => r.Id));
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<RunnerException>(() => store.Get(finished.Id)).Kind);
    }

    [Fact]
    public void Put_SameIdAgain_UpdatesInPlace()
    {
        var store = new InvocationStore(TestOptions.Runner());
        var record = Record("train") with { Status = InvocationStatus.Running, EndedAt = null };
        store.Put(record);
        store.Put(record with { Status = InvocationStatus.Succeeded });

        Assert.Equal(InvocationStatus.Succeeded, store.Get(record.Id).Status);
        Assert.Single(store.List(null, 10));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("0123456789ABCDEF0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef\n")]
    public void Get_MalformedId_IsInvalidArgument(string? id) =>
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<RunnerException>(() => new InvocationStore(TestOptions.Runner()).Get(id)).Kind);

    private static InvocationRecord Record(string function) => new(
        InvocationStore.NewId(), function, InvocationStatus.Succeeded, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
        null, 0, InvocationPhases.Zero, null, null, null, "/logs/x.log");
}
