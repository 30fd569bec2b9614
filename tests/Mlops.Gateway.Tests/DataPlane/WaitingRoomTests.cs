using Mlops.Gateway.Serving;

namespace Mlops.Gateway.Tests.DataPlane;

public sealed class WaitingRoomTests
{
    [Fact]
    public void TryEnter_OneKeyAtItsLimit_IsRefusedNamingThePerKeyLimit_WhileAnotherKeyStillWaits()
    {
        var room = new WaitingRoom(maxWaiting: 100, perEndpoint: 100, perKey: 2);
        using var first = room.TryEnter("e", "key-a", out _);
        using var second = room.TryEnter("e", "key-a", out _);

        Assert.Null(room.TryEnter("e", "key-a", out var refusal));
        Assert.Contains("Serving:MaxWaitingPerKey is 2", refusal);
        using var other = room.TryEnter("e", "key-b", out refusal);
        Assert.NotNull(other);
        Assert.Null(refusal);
    }

    [Fact]
    public void TryEnter_OneEndpointAtItsLimit_IsRefusedNamingThePerEndpointLimit_WhileAnotherEndpointStillWaits()
    {
        var room = new WaitingRoom(maxWaiting: 100, perEndpoint: 2, perKey: 100);
        using var first = room.TryEnter("at-zero", "a", out _);
        using var second = room.TryEnter("at-zero", "b", out _);

        Assert.Null(room.TryEnter("at-zero", "c", out var refusal));
        Assert.Contains("endpoint 'at-zero'", refusal);
        Assert.Contains("Serving:MaxWaitingPerEndpoint is 2", refusal);
        using var other = room.TryEnter("busy", "c", out _);
        Assert.NotNull(other);
        Assert.Equal(new Dictionary<string, int> { ["at-zero"] = 2, ["busy"] = 1 }, room.ByEndpoint());
    }

    [Fact]
    public void TryEnter_TheRoomFull_IsRefusedNamingTheTotal_AndASeatLeftOnceIsFreeAgain()
    {
        var room = new WaitingRoom(maxWaiting: 1, perEndpoint: 10, perKey: 10);
        var seat = room.TryEnter("e", "k", out _)!;

        Assert.Null(room.TryEnter("f", "l", out var refusal));
        Assert.Contains("Serving:MaxWaiting is 1", refusal);
        seat.Dispose();
        seat.Dispose();
        Assert.Equal(0, room.Total);
        Assert.Empty(room.ByEndpoint());
        using var next = room.TryEnter("f", "l", out _);
        Assert.NotNull(next);
    }
}
