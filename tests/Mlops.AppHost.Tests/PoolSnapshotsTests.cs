using Aspire.Hosting.ApplicationModel;
using Google.Protobuf.WellKnownTypes;
using Mlops.AppHost.Pools;
using Mlops.V1;

namespace Mlops.AppHost.Tests;

/// <summary>How a function's warm pool from the runner's status reads in the dashboard (pure mapping).</summary>
public sealed class PoolSnapshotsTests
{
    private static readonly CustomResourceSnapshot Empty = new() { ResourceType = "", Properties = [] };

    private static object? Property(CustomResourceSnapshot snapshot, string name) => snapshot.Properties.Single(p => p.Name == name).Value;

    [Fact]
    public void Pool_ShowsItsSizeWhatIsReadyAndHowMuchItIsClaimed()
    {
        var pool = new PoolStatus { Target = 3, Ready = 2, Starting = 1, ClaimedLastMinute = 17, FillTime = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(412)) };

        var snapshot = PoolSnapshots.Pool(Empty, "predict", pool);

        Assert.Equal((FunctionPoolResource.Type, "Ready", KnownResourceStateStyles.Success), (snapshot.ResourceType, snapshot.State!.Text, snapshot.State.Style));
        Assert.Equal((3, 2, 1, 17), (Property(snapshot, "pool.target"), Property(snapshot, "pool.ready"), Property(snapshot, "pool.starting"), Property(snapshot, "pool.claimedPerMinute")));
        Assert.Equal("412 ms", Property(snapshot, "pool.fillTime"));
        Assert.Equal("predict: 2 ready of 3", Property(snapshot, CustomResourceKnownProperties.Source));
    }

    [Fact]
    public void Pool_WithNothingReady_SaysWhetherOneIsStarting()
    {
        Assert.Equal("Starting", PoolSnapshots.Pool(Empty, "hello", new PoolStatus { Target = 1, Starting = 1 }).State!.Text);
        Assert.Equal("Empty", PoolSnapshots.Pool(Empty, "hello", new PoolStatus { Target = 1 }).State!.Text);
    }

    [Fact]
    public void Emptied_KeepsWhatItShowedButNoContainers()
    {
        var shown = PoolSnapshots.Pool(Empty, "hello", new PoolStatus { Target = 2, Ready = 2, ClaimedLastMinute = 4 });

        var emptied = PoolSnapshots.Emptied(shown);

        Assert.Equal("Idle (no containers)", emptied.State!.Text);
        Assert.Equal((0, 0, 0), (Property(emptied, "pool.target"), Property(emptied, "pool.ready"), Property(emptied, "pool.starting")));
        Assert.Equal(4, Property(emptied, "pool.claimedPerMinute"));
    }
}
