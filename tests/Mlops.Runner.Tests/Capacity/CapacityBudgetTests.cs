using Mlops.Runner.Capacity;

namespace Mlops.Runner.Tests.Capacity;

public sealed class CapacityBudgetTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public void TryReserve_BeyondContainersOrMemory_IsRefused_UntilAPlaceIsGivenBack()
    {
        var budget = new CapacityBudget(TestOptions.Capacity(containers: 2, memoryMb: 1000));

        using var first = budget.TryReserve(400);
        var second = budget.TryReserve(500);
        var tooMuchMemory = budget.TryReserve(200);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(tooMuchMemory);
        Assert.Equal(new CapacityUse(2, 2, 900, 1000), budget.Use);
        Assert.Null(budget.TryReserve(0));

        second!.Dispose();
        second.Dispose();

        Assert.Equal(new CapacityUse(1, 2, 400, 1000), budget.Use);
        Assert.NotNull(budget.TryReserve(600));
    }

    [Fact]
    public void Defaults_ComeFromTheHost()
    {
        var options = new CapacityOptions();

        Assert.Equal(Math.Max(16, 8 * Environment.ProcessorCount), options.ContainerLimit);
        Assert.Equal(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * 3 / 4 / (1024 * 1024), options.MemoryLimitMb);
        Assert.True(options.MemoryLimitMb > 0);
    }

    [Fact]
    public void Use_NamesEachLimitAndItsSetting()
    {
        var text = new CapacityUse(3, 16, 768, 1024).ToString();

        Assert.Contains("3 of 16 containers (Capacity:MaxContainers)", text);
        Assert.Contains("768 of 1024 MB (Capacity:MaxMemoryMb)", text);
    }

    [Fact]
    public async Task Gate_AQueuedInvocation_StartsWhenAReplicaGivesItsMemoryBack()
    {
        var capacity = TestOptions.Capacity(memoryMb: 1000);
        var budget = new CapacityBudget(capacity);
        var gate = new Mlops.Runner.Invocations.AdmissionGate(TestOptions.Runner(maxConcurrent: 4, maxQueue: 4), capacity, budget);
        var replica = budget.TryReserve(800)!;

        using var waiting = gate.Enter(512);

        Assert.False(waiting.IsGranted);
        replica.Dispose();
        await waiting.WaitAsync(CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(512, budget.Use.MemoryMb);
        waiting.Dispose();
        Assert.Equal(0, budget.Use.Containers);
    }

    [Fact]
    public void Gate_AnInvocationWaitingForTheBudgetWithASlotFree_SaysTheBudgetIsShort_AndOneWaitingForASlotDoesNot()
    {
        var capacity = TestOptions.Capacity(memoryMb: 1000);
        var budget = new CapacityBudget(capacity);
        var gate = new Mlops.Runner.Invocations.AdmissionGate(TestOptions.Runner(maxConcurrent: 1, maxQueue: 4), capacity, budget);
        var shorts = 0;
        budget.Short += () => shorts++;
        var pooled = budget.TryReserve(800)!;

        using var forMemory = gate.Enter(512);
        Assert.Equal(1, shorts);

        pooled.Dispose();
        Assert.True(forMemory.IsGranted);
        using var forASlot = gate.Enter(64);
        Assert.False(forASlot.IsGranted);
        Assert.Equal(1, shorts);
    }

    [Fact]
    public void Gate_AFunctionLargerThanTheWholeBudget_IsRefusedAtOnce()
    {
        var capacity = TestOptions.Capacity(memoryMb: 256);
        var gate = new Mlops.Runner.Invocations.AdmissionGate(TestOptions.Runner(), capacity, new CapacityBudget(capacity));

        var refused = Assert.Throws<RunnerException>(() => gate.Enter(512));

        Assert.Equal(ErrorKind.ResourceExhausted, refused.Kind);
        Assert.Contains("Capacity:MaxMemoryMb", refused.Message);
        Assert.Equal(0, gate.Queued);
    }

    [Fact]
    public void Gate_AKeyAtItsLimit_IsRefused_QueuedOnesCounting_OtherKeysNot()
    {
        var gate = TestOptions.Gate(TestOptions.Runner(maxConcurrent: 1, maxQueue: 10), TestOptions.Capacity(invocationsPerKey: 2));
        using var running = gate.Enter(key: "k1");
        var queued = gate.Enter(key: "k1");

        var refused = Assert.Throws<RunnerException>(() => gate.Enter(key: "k1"));
        using var other = gate.Enter(key: "k2");

        Assert.Equal(ErrorKind.ResourceExhausted, refused.Kind);
        Assert.Contains("2 invocation(s) queued, running or detached", refused.Message);
        Assert.Contains("Capacity:InvocationsPerKey is 2", refused.Message);
        queued.Dispose();
        using var again = gate.Enter(key: "k1");
    }
}
