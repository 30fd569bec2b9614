using Mlops.Runner.Invocations.Pooling;

namespace Mlops.Runner.Tests.Invocations.Pooling;

public sealed class PoolDemandTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);

    [Fact]
    public void Target_IsZero_BeforeAnyInvocation()
    {
        Assert.Equal(0, new PoolDemand().Target(T0, Idle, max: 8));
    }

    [Fact]
    public void Target_IsOne_ForASingleCall_AndZeroOnceIdle()
    {
        var demand = new PoolDemand();
        demand.Arrive(T0);

        Assert.Equal(1, demand.Target(T0.AddSeconds(10), Idle, max: 8));
        Assert.Equal(1, demand.Target(T0 + Idle - TimeSpan.FromSeconds(1), Idle, max: 8));
        Assert.Equal(0, demand.Target(T0 + Idle, Idle, max: 8));
    }

    [Fact]
    public void Target_CoversTheCallsThatArriveWhileAReplacementStarts()
    {
        var demand = new PoolDemand();
        // 4 calls a second for 10 s, and a replacement takes half a second: 1.5 × 4 × 0.5 + 1 = 4.
        for (var i = 0; i < 40; i++)
        {
            demand.Arrive(T0.AddMilliseconds(250 * i));
        }

        demand.Filled(TimeSpan.FromMilliseconds(500));

        Assert.Equal(4.0, demand.Rate(T0.AddSeconds(10)), precision: 1);
        Assert.Equal(4, demand.Target(T0.AddSeconds(10), Idle, max: 8));
        Assert.Equal(2, demand.Target(T0.AddSeconds(10), Idle, max: 2));
    }

    [Fact]
    public void Rate_ForgetsCallsOlderThanTheWindow()
    {
        var demand = new PoolDemand();
        for (var i = 0; i < 30; i++)
        {
            demand.Arrive(T0.AddSeconds(i * 0.1));
        }

        var later = T0 + PoolDemand.Window + TimeSpan.FromSeconds(10);
        demand.Arrive(later);

        Assert.Equal(1 / PoolDemand.Window.TotalSeconds, demand.Rate(later), precision: 3);
    }

    [Fact]
    public void FillTime_IsSmoothed_AndGuessedBeforeTheFirst()
    {
        var demand = new PoolDemand();
        Assert.Equal(PoolDemand.FirstFillGuess, demand.FillTime);

        demand.Filled(TimeSpan.FromSeconds(1));
        demand.Filled(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(1.3), demand.FillTime);
    }
}
