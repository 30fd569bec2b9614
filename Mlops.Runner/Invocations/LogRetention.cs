using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Keeps logs/ bounded: invocation logs older than <see cref="RunnerOptions.LogRetentionDays"/> go, then the
/// oldest until all of them fit in <see cref="RunnerOptions.LogsMaxMb"/>. At start-up and every hour; the log
/// of an invocation that is still running is never touched, and no other file in the folder is.
/// </summary>
public sealed partial class LogRetention(InvocationStore history, IOptions<RunnerOptions> options, TimeProvider time, ILogger<LogRetention> logger)
    : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            try
            {
                Sweep();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogRetentionFailed(ex, options.Value.LogsPath);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass; returns how many logs it deleted.</summary>
    public int Sweep()
    {
        var folder = new DirectoryInfo(options.Value.LogsPath);
        if (!folder.Exists)
        {
            return 0;
        }

        var oldest = time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(options.Value.LogRetentionDays);
        var budget = options.Value.LogsMaxMb * 1024L * 1024L;
        var logs = folder.EnumerateFiles("*.log")
            .Where(file => InvocationLog().Match(file.Name) is { Success: true } match && !history.IsLive(match.Groups[1].Value))
            .OrderByDescending(file => file.LastWriteTimeUtc)
            .ToList();
        long kept = 0;
        var deleted = 0;
        foreach (var log in logs)
        {
            kept += log.Length;
            if (log.LastWriteTimeUtc >= oldest && kept <= budget)
            {
                continue;
            }

            log.Delete();
            deleted++;
        }

        if (deleted > 0)
        {
            logger.LogsDeleted(deleted, folder.FullName);
        }

        return deleted;
    }

    /// <summary>&lt;function&gt;-&lt;invocation id&gt;.log, as <see cref="InvocationLogFile"/> names them.</summary>
    [GeneratedRegex(@"^[a-z][a-z0-9-]{0,62}-([0-9a-f]{32})\.log\z")]
    private static partial Regex InvocationLog();
}
