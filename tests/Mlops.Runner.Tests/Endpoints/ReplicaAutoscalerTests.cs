using Mlops.Runner.Endpoints;

namespace Mlops.Runner.Tests.Endpoints;

public sealed class ReplicaAutoscalerTests
{
    private static EndpointSpec Spec(int min, int max, int idleSeconds) => new("e", "predict", "m", "latest", min, max, 0, idleSeconds, null, 0);

    private static EndpointLoad Load(int inFlight, int waiting = 0) => new("e", inFlight, waiting, new Dictionary<string, int>());

    [Fact]
    public void Next_LoadAboveTheTarget_ScalesUpAtOnce_WithinTheMaximum()
    {
        var scale = new ReplicaAutoscaler(1);

        Assert.Equal(3, scale.Next(Spec(1, 4, 3600), Load(10), targetPerReplica: 4));
        Assert.Equal(4, scale.Next(Spec(1, 4, 3600), Load(100), targetPerReplica: 4));
    }

    [Fact]
    public void Next_LessLoad_KeepsTheReplicasUntilTheIdleTimeHasPassed()
    {
        var scale = new ReplicaAutoscaler(1);
        scale.Next(Spec(1, 4, 3600), Load(12), 4);

        Assert.Equal(3, scale.Next(Spec(1, 4, 3600), Load(0), 4));
        Assert.Equal(1, scale.Next(Spec(1, 4, 0), Load(0), 4));
    }

    [Fact]
    public void Next_AtZero_APredictionWaiting_WantsOneReplica_AndIdleGoesBackToZero()
    {
        var scale = new ReplicaAutoscaler(0);

        Assert.Equal(0, scale.Next(Spec(0, 2, 0), Load(0), 32));
        Assert.Equal(1, scale.Next(Spec(0, 2, 0), Load(0, waiting: 1), 32));
        Assert.Equal(0, scale.Next(Spec(0, 2, 0), Load(0), 32));
    }

    [Fact]
    public void Next_RightAfterNewBounds_ScalesDownAtOnce_ThenWaitsForIdleAgain()
    {
        var scale = new ReplicaAutoscaler(2);
        Assert.Equal(3, scale.Next(Spec(2, 4, 3600), Load(12), 4));

        // A drain: the operator lowers the floor to zero on an endpoint without load.
        scale.Bound(Spec(0, 4, 3600));

        Assert.Equal(0, scale.Next(Spec(0, 4, 3600), Load(0), 4));
        Assert.Equal(3, scale.Next(Spec(0, 4, 3600), Load(12), 4));
        Assert.Equal(3, scale.Next(Spec(0, 4, 3600), Load(0), 4));
    }
}

public sealed class ReplicaFailuresTests
{
    [Fact]
    public void Record_AFailure_DelaysReplacements()
    {
        var failures = new ReplicaFailures();
        Assert.True(failures.MayStart);

        failures.Record(1);

        Assert.False(failures.MayStart);
    }

    [Fact]
    public void CrashLoop_ThreeFailuresInAMinute_SaysSoWithTheLastReason()
    {
        var failures = new ReplicaFailures();
        failures.Record(2);
        Assert.Null(failures.CrashLoop("boom"));

        failures.Record(1);

        Assert.Equal("replicas keep failing (3 in the last 60 s); the last: boom", failures.CrashLoop("boom"));
    }
}
