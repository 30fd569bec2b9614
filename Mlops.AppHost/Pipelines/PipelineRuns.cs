using Microsoft.Extensions.Logging;
using Mlops.AppHost.Watching;
using Mlops.V1;

namespace Mlops.AppHost.Pipelines;

/// <summary>
/// The pipeline runs the dashboard shows, each a resource: every run not ended, and the last <see cref="EndedKept"/>
/// ended ones; an older ended run is hidden and forgotten. Changed by the one watch that follows the runner
/// (<see cref="PipelineRunMonitor"/>). Aspire keeps what it was told of a resource: a hidden run stays findable
/// under "show hidden".
/// </summary>
public sealed class PipelineRuns(ResourceNotificationService notifications, PipelineRunCommands commands, string frontDoor, ILogger<PipelineRuns> logger)
{
    public const int EndedKept = 20;

    private readonly Dictionary<string, PipelineRunResource> _shown = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly SortedSet<(DateTime Ended, string RunId)> _ended = [];

    /// <summary>The resource of each run shown, by run id.</summary>
    public IReadOnlyDictionary<string, PipelineRunResource> Shown => _shown;

    public async Task ShowAsync(PipelineRun run)
    {
        if (PipelineRunSnapshots.Ended(run.Status) && !await KeepEndedAsync(run))
        {
            return;
        }

        if (!_shown.TryGetValue(run.Id, out var resource))
        {
            resource = _shown[run.Id] = commands.Attach(new PipelineRunResource(FreeName(run), run.Pipeline, run.Id));
            _names.Add(resource.Name);
            WatchLog.RunShown(logger, run.Id, run.Pipeline, resource.Name);
        }

        await notifications.PublishUpdateAsync(resource, s => PipelineRunSnapshots.Run(s, run, frontDoor));
    }

    /// <summary>Counts the run among the ended ones; hides the oldest past the bound. False when that is this run.</summary>
    private async Task<bool> KeepEndedAsync(PipelineRun run)
    {
        var ended = (run.EndTime?.ToDateTime() ?? DateTime.UtcNow, run.Id);
        if (_ended.FirstOrDefault(e => e.RunId == run.Id) is { RunId: not null } known)
        {
            ended = known;
        }

        _ended.Add(ended);
        while (_ended.Count > EndedKept)
        {
            var oldest = _ended.Min;
            _ended.Remove(oldest);
            if (_shown.Remove(oldest.RunId, out var resource))
            {
                await notifications.PublishUpdateAsync(resource, PipelineRunSnapshots.Gone);
            }
        }

        return _ended.Contains(ended);
    }

    /// <summary>The run's name; longer, should a shown run already have its id's start.</summary>
    private string FreeName(PipelineRun run)
    {
        for (var length = PipelineRunResource.ShortIdLength; ; length += 4)
        {
            var name = PipelineRunResource.NameOf(run.Pipeline, run.Id, length);
            if (!_names.Contains(name) || length >= run.Id.Length)
            {
                return name;
            }
        }
    }
}
