using Microsoft.Extensions.Options;

namespace Mlops.Runner.Tests;

internal static class TestOptions
{
    public static IOptions<RunnerOptions> Runner(int maxConcurrent = 2, int maxQueue = 2, int history = 100) =>
        Options.Create(new RunnerOptions { MaxConcurrentInvocations = maxConcurrent, MaxQueueLength = maxQueue, HistorySize = history });
}
