using System.Diagnostics;
using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Invocations;

/// <summary>Opens each invocation's record in history and its log file under logs/.</summary>
public sealed class InvocationJournal(
    InvocationStore store, InvocationFeeds feeds, IOptions<RunnerOptions> options, TimeProvider time, ILogger<LiveInvocation> logger)
{
    private readonly string _logsDirectory = options.Value.LogsPath;

    /// <param name="request">For an invocation started with InvokeAsync: what it was asked, kept so that it runs even after a restart.</param>
    /// <param name="resumed">An accepted invocation that runs again after a restart: its id and when it was accepted.</param>
    public LiveInvocation Begin(FunctionManifest manifest, Activity? activity, AsyncRequest? request = null, (string Id, DateTimeOffset CreatedAt)? resumed = null)
    {
        var id = resumed?.Id ?? InvocationStore.NewId();
        activity?.SetTag(RunnerTelemetry.FaasInvocationId, id);
        var record = new InvocationRecord(
            id, manifest.Name, InvocationStatus.Pending, resumed?.CreatedAt ?? time.GetUtcNow(), null, null, null, InvocationPhases.Zero, null, null, null,
            InvocationLogFile.PathFor(_logsDirectory, manifest.Name, id));
        // History first: an invocation it cannot keep (a full disk) is refused before anything exists.
        store.Begin(record, request);
        InvocationLogFile log;
        try
        {
            log = InvocationLogFile.Open(record.LogPath, append: resumed is not null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            store.Put(record with { Status = InvocationStatus.Failed, EndedAt = time.GetUtcNow(), ErrorMessage = "its log file could not be created; see the runner's log" });
            throw;
        }

        return new LiveInvocation(record, log, store, feeds, activity, time, logger);
    }

    /// <summary>An accepted invocation that could not be started again after a restart: it ends now, saying why.</summary>
    public void Refused(InvocationRecord queued, RunnerException reason)
    {
        logger.QueuedInvocationRefused(queued.Id, queued.Function, reason.Message);
        store.Put(queued with
        {
            Status = InvocationStatus.Failed,
            EndedAt = time.GetUtcNow(),
            ErrorKind = reason.Kind,
            ErrorMessage = $"accepted, but refused when the runner started again: {reason.Message}",
        });
    }
}
