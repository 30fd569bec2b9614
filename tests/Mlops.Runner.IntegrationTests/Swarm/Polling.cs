namespace Mlops.Runner.IntegrationTests.Swarm;

internal static class Polling
{
    /// <summary>Asks <paramref name="condition"/> every 250 ms until it holds; false when it did not within <paramref name="bound"/>.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan bound)
    {
        for (var deadline = DateTime.UtcNow + bound; DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            if (await condition())
            {
                return true;
            }
        }

        return false;
    }
}
