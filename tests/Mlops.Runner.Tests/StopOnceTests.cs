namespace Mlops.Runner.Tests;

public sealed class StopOnceTests
{
    [Fact]
    public async Task ASecondStop_WaitsForTheFirstsTeardown_AndDoesNotRunItAgain()
    {
        var once = new StopOnce();
        var teardown = new TaskCompletionSource();
        var runs = 0;

        var first = once.RunAsync(() => { runs++; return teardown.Task; });
        var second = once.RunAsync(() => { runs++; return Task.CompletedTask; });

        Assert.False(second.IsCompleted);
        teardown.SetResult();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, runs);
    }
}
