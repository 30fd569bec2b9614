namespace Mlops.Testing;

/// <summary>Bounded waits for what happens in the background (a detached run, a restart, a janitor's pass).</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <paramref name="bound"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan bound)
    {
        for (var deadline = DateTime.UtcNow + bound; !await condition(); await Task.Delay(100))
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
        }
    }
}
