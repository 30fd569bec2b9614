using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Endpoints;
using Mlops.Runner.Images;
using Mlops.Runner.Invocations;
using Mlops.Runner.Registry;
using Mlops.Runner.Registry.Embedded;
using Mlops.Runner.Storage;

namespace Mlops.Runner.Recovery;

/// <summary>
/// What a runner that died (kill -9, power loss) leaves on disk, removed when the next one starts, before
/// any new work: invocation workspaces, replica run folders, half-downloaded models, half-written artifacts,
/// and build-context tars; and invocations history still calls running end as failed, saying why. Containers
/// are the janitor's; this is the files and the records. The records are ended at start; the files are listed
/// at start (so nothing new is taken for a leftover) and removed once the janitor has stopped every container
/// that could still write there (<see cref="FirstSweep"/>), without following links.
/// </summary>
public sealed class CrashLeftovers(IOptions<RunnerOptions> options, InvocationStore history, TimeProvider clock, ILogger<CrashLeftovers> logger, FirstSweep firstSweep)
    : BackgroundService
{
    private List<string> _found = [];

    /// <summary>Another runner on this machine may be building right now; its tar is younger than this.</summary>
    private static readonly TimeSpan ContextTarAge = TimeSpan.FromHours(1);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var data = options.Value.DataPath;
        _found =
        [
            .. Children(Path.Combine(data, Workspace.Folder), "*"),
            .. Children(Path.Combine(data, RunFolder.Folder), "*"),
            // Downloads sit right under each model's folder: no need to walk the cached models themselves.
            .. Children(Path.Combine(data, ModelCache.Folder), "*").SelectMany(model => Children(model, $"{ModelCache.DownloadPrefix}*")),
            .. Files(Path.Combine(data, EmbeddedRegistry.Folder, EmbeddedRegistry.ArtifactsFolder), $"*{EmbeddedRegistry.PartialSuffix}", SearchOption.AllDirectories),
            .. Files(history.ResultsDirectory, $"*{InvocationStore.PartialSuffix}", SearchOption.TopDirectoryOnly),
            .. Children(Path.Combine(data, TrainingOutbox.Folder), $"{TrainingOutbox.PartialPrefix}*"),
            .. Children(Path.Combine(data, TrainingOutbox.Folder), $"{TrainingOutbox.DeliveredPrefix}*"),
            .. Files(Path.GetTempPath(), $"{ImageBuilder.ContextTarPrefix}*.tar", SearchOption.TopDirectoryOnly)
                .Where(tar => clock.GetUtcNow() - File.GetLastWriteTimeUtc(tar) > ContextTarAge),
        ];

        // No invocation runs yet: any history says is running was cut short by the runner's end.
        var interrupted = history.FailUnfinished(clock.GetUtcNow());
        if (interrupted > 0)
        {
            logger.InterruptedInvocationsFailed(interrupted);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_found.Count == 0)
        {
            return;
        }

        logger.CrashLeftoversWaitForJanitor(_found.Count);
        await firstSweep.Done.WaitAsync(stoppingToken);
        var removed = Remove(_found);
        if (removed > 0)
        {
            logger.CrashLeftoversRemoved(removed, options.Value.DataPath);
        }
    }

    private static IEnumerable<string> Children(string folder, string pattern) =>
        Directory.Exists(folder) ? Directory.EnumerateDirectories(folder, pattern).ToList() : [];

    private static IEnumerable<string> Files(string folder, string pattern, SearchOption search) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, pattern, search).ToList() : [];

    private int Remove(IEnumerable<string> paths)
    {
        var removed = 0;
        foreach (var path in paths)
        {
            try
            {
                LinkSafeDelete.Remove(path);
                removed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.CrashLeftoverKept(ex, path);
            }
        }

        return removed;
    }
}
