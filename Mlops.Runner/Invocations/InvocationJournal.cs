using System.Diagnostics;
using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Invocations;

/// <summary>Opens each invocation's record in history and its log file under logs/.</summary>
public sealed class InvocationJournal(
    InvocationStore store, IOptions<RunnerOptions> options, TimeProvider time, ILogger<LiveInvocation> logger)
{
    private readonly string _logsDirectory = options.Value.LogsPath;

    public LiveInvocation Begin(FunctionManifest manifest, Activity? activity)
    {
        var id = InvocationStore.NewId();
        activity?.SetTag(RunnerTelemetry.FaasInvocationId, id);
        var record = new InvocationRecord(
            id, manifest.Name, InvocationStatus.Pending, time.GetUtcNow(), null, null, null, InvocationPhases.Zero, null, null, null,
            InvocationLogFile.PathFor(_logsDirectory, manifest.Name, id));
        // History first: an invocation it cannot keep (a full disk) is refused before anything exists.
        store.Begin(record);
        InvocationLogFile log;
        try
        {
            log = InvocationLogFile.Create(record.LogPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            store.Put(record with { Status = InvocationStatus.Failed, EndedAt = time.GetUtcNow(), ErrorMessage = "its log file could not be created; see the runner's log" });
            throw;
        }

        return new LiveInvocation(record, log, store, activity, time, logger);
    }
}
