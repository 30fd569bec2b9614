namespace Mlops.Runner.Containers;

/// <summary>
/// Retries a teardown step (kill, remove) with exponential backoff. Engines can refuse for a while — a
/// fork bomb makes Docker answer "tried to kill container, but did not receive an exit event" — and
/// teardown must not give up at the first refusal.
/// </summary>
public sealed class Backoff(ContainerOptions options, TimeProvider time)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>True once the step succeeded; false when every attempt failed (each failure is reported).</summary>
    public async Task<bool> RetryAsync(Func<CancellationToken, Task> step, Action<Exception, int> onFailure)
    {
        var delay = TimeSpan.FromMilliseconds(options.TeardownBackoffMilliseconds);
        for (var attempt = 1; ; attempt++)
        {
            // Teardown outlives whoever asked for the container: only its own per-attempt limit stops it.
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(options.TeardownTimeoutSeconds), time);
            try
            {
                await step(limit.Token);
                return true;
            }
            catch (Exception ex) when (ex is RunnerException || (ex is OperationCanceledException && limit.IsCancellationRequested))
            {
                onFailure(ex, attempt);
            }

            if (attempt >= options.TeardownAttempts)
            {
                return false;
            }

            await Task.Delay(delay, time, CancellationToken.None);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }
}
