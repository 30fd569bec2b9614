namespace Mlops.Runner.Containers;

/// <summary>
/// Done once the janitor has removed every container an earlier runner left (a sweep without a failure):
/// from then on nothing can still write into that runner's workspaces and run folders, so they may go.
/// </summary>
public sealed class FirstSweep
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Done => _done.Task;

    public void Complete() => _done.TrySetResult();
}
