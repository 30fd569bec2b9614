using Mlops.Runner.Invocations;

namespace Mlops.Runner.Tests;

public sealed class AdmissionGateTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public void Enter_WithFreeSlots_IsGrantedAtOnce()
    {
        var gate = TestOptions.Gate(TestOptions.Runner(maxConcurrent: 2));

        using var first = gate.Enter();
        using var second = gate.Enter();

        Assert.True(first.IsGranted && second.IsGranted);
        Assert.Equal(2, gate.Running);
    }

    [Fact]
    public async Task Enter_WhenFull_QueuesInOrderAndGrantsAsSlotsFree()
    {
        var gate = TestOptions.Gate(TestOptions.Runner(maxConcurrent: 1, maxQueue: 2));
        var running = gate.Enter();
        using var next = gate.Enter();
        using var after = gate.Enter();

        Assert.Equal((1, 2), (next.Position, after.Position));
        Assert.False(next.IsGranted);

        running.Dispose();
        await next.WaitAsync(CancellationToken.None).WaitAsync(Bound);
        Assert.False(after.IsGranted);
        Assert.Equal((1, 1), (gate.Running, gate.Queued));
    }

    [Fact]
    public void Enter_WhenTheQueueIsFull_IsResourceExhausted()
    {
        var gate = TestOptions.Gate(TestOptions.Runner(maxConcurrent: 1, maxQueue: 1));
        using var running = gate.Enter();
        using var waiting = gate.Enter();

        var error = Assert.Throws<RunnerException>(() => gate.Enter());

        Assert.Equal(ErrorKind.ResourceExhausted, error.Kind);
    }

    [Fact]
    public async Task Dispose_OfAWaitingTicket_LeavesTheQueueWithoutTakingASlot()
    {
        var gate = TestOptions.Gate(TestOptions.Runner(maxConcurrent: 1, maxQueue: 2));
        var running = gate.Enter();
        var abandoned = gate.Enter();
        using var patient = gate.Enter();

        abandoned.Dispose();
        abandoned.Dispose();
        running.Dispose();

        await patient.WaitAsync(CancellationToken.None).WaitAsync(Bound);
        Assert.Equal((1, 0), (gate.Running, gate.Queued));
    }

    [Fact]
    public async Task WaitAsync_Cancelled_Throws()
    {
        var gate = TestOptions.Gate(TestOptions.Runner(maxConcurrent: 1, maxQueue: 1));
        using var running = gate.Enter();
        using var waiting = gate.Enter();
        using var cancel = new CancellationTokenSource();

        var wait = waiting.WaitAsync(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}
