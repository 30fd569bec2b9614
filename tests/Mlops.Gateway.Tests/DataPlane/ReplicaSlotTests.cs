using Mlops.Gateway.Serving;

namespace Mlops.Gateway.Tests.DataPlane;

public sealed class ReplicaSlotTests
{
    private static ReplicaConnection Replica(string id, int concurrency) => new("e", id, "unix:/nonexistent/replica.sock", "1", canary: false, concurrency);

    [Fact]
    public void TryTake_EveryReplicaAtItsConcurrency_GivesNone_UntilASlotIsGivenBack()
    {
        using var a = Replica("a", 2);
        using var b = Replica("b", 1);
        var table = new ReplicaTable("e", "m", 0, ready: true, [a, b]);

        var taken = Enumerable.Range(0, 3).Select(_ => table.TryTake()).ToList();

        Assert.All(taken, Assert.NotNull);
        Assert.Equal((2, 1), (a.InFlight, b.InFlight));
        Assert.Null(table.TryTake());
        a.Leave();
        Assert.Same(a, table.TryTake());
    }

    [Fact]
    public void TryTake_AFaultedReplica_TakesNothingMore_EvenWithFreeSlots()
    {
        using var hung = Replica("hung", 8);
        using var healthy = Replica("healthy", 8);
        var table = new ReplicaTable("e", "m", 0, ready: true, [hung, healthy]);

        hung.Fault();

        Assert.All(Enumerable.Range(0, 8).Select(_ => table.TryTake()), r => Assert.Same(healthy, r));
        Assert.Null(table.TryTake());
    }
}
