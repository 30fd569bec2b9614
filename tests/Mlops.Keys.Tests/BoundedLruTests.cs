namespace Mlops.Keys.Tests;

public sealed class BoundedLruTests
{
    [Fact]
    public void Set_PastCapacity_ForgetsTheLeastRecentlyUsedOnly()
    {
        var lru = new BoundedLru<string, int>(2);
        lru.Set("a", 1);
        lru.Set("b", 2);
        Assert.True(lru.TryGet("a", out _));

        lru.Set("c", 3);

        Assert.Equal(2, lru.Count);
        Assert.True(lru.TryGet("a", out var a) && a == 1);
        Assert.False(lru.TryGet("b", out _));
        Assert.True(lru.TryGet("c", out _));
    }
}
