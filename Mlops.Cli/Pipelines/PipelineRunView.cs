using Google.Protobuf.WellKnownTypes;
using Mlops.Cli.Output;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Pipelines;

/// <summary>A run: how it ended, then a table of its steps (each item of a map step on its own row), or all of it as JSON.</summary>
internal static class PipelineRunView
{
    /// <summary>Longest result summary in a cell; GetPipelineRun under -o json has all of it.</summary>
    private const int MaxResultChars = 80;

    public static void Write(CommandContext context, PipelineRun run)
    {
        if (context.AnsweredAsJson(run))
        {
            return;
        }

        var console = context.Terminal.Out;
        var summary = $"run {run.Id} of {run.Pipeline}: {Show.Enum(run.Status, "PIPELINE_RUN_STATUS_")}";
        if (Duration(run.CreatedTime, run.EndTime) is { Length: > 0 } duration)
        {
            summary += $" in {duration}";
        }

        var steps = Rows(run.Steps).ToList();
        var cached = steps.Count(step => step.Run.CacheHit);
        summary += $", {cached} of {steps.Count} steps from the cache";
        console.WriteLine(summary, new Style(run.Status == PipelineRunStatus.Succeeded ? Color.Green : run.IsEnded() ? Color.Red : Color.Default));

        var table = Tables.Create(null, "step", "status", "key", "hit", "duration", "result", "artifacts", "error");
        foreach (var (label, step) in steps)
        {
            table.AddTextRow(label, Show.Enum(step.Status, "STEP_STATUS_"), Show.ShortId(step.CacheKey), step.CacheHit ? $"yes ({step.CacheSourceRun})" : "",
                Duration(step.StartTime, step.EndTime), ResultSummary(step.Result), Artifacts(step), Error(step.ErrorCode, step.ErrorMessage));
        }

        Tables.Write(console, table, "no steps");
    }

    /// <summary>Exit code 0 only for a run that succeeded; otherwise the failed step's error, as invoke exits for its invocation's.</summary>
    /// <exception cref="CliException">The run did not succeed.</exception>
    public static int ExitCodeOf(PipelineRun run)
    {
        if (run.Status == PipelineRunStatus.Succeeded)
        {
            return ExitCodes.Success;
        }

        var failed = Rows(run.Steps).FirstOrDefault(row => row.Run.Status == StepStatus.Failed);
        var where = failed.Label is null ? "" : $"step {failed.Label}: ";
        var code = string.IsNullOrEmpty(run.ErrorCode) ? Show.Enum(run.Status, "PIPELINE_RUN_STATUS_") : run.ErrorCode;
        var message = string.IsNullOrEmpty(run.ErrorMessage) ? "the run did not succeed" : run.ErrorMessage;
        throw new CliException($"{where}{code}: {message}", ExitCodes.Failure);
    }

    public static bool IsEnded(this PipelineRun run) =>
        run.Status is PipelineRunStatus.Succeeded or PipelineRunStatus.Failed or PipelineRunStatus.Cancelled;

    /// <summary>The steps, each map step followed by its items ("train[0]", ...).</summary>
    public static IEnumerable<(string Label, StepRun Run)> Rows(IEnumerable<StepRun> steps)
    {
        foreach (var step in steps)
        {
            yield return (PipelineStory.StepLabel(step.Step, step.HasItem ? step.Item : null), step);
            foreach (var item in Rows(step.Items))
            {
                yield return item;
            }
        }
    }

    public static string Duration(Timestamp? start, Timestamp? end) =>
        start is null || end is null ? "" : Show.Seconds(Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(end.ToDateTime() - start.ToDateTime()));

    public static string Error(string code, string message) => string.IsNullOrEmpty(code) ? "" : $"{code}: {message}";

    /// <summary>A function step's metrics ("accuracy=0.93 f1=0.92"); otherwise the result on one line, cut to fit a cell.</summary>
    private static string ResultSummary(Struct? result)
    {
        if (result is null || result.Fields.Count == 0)
        {
            return "";
        }

        if (result.Fields.TryGetValue("metrics", out var metrics) && metrics.StructValue is { Fields.Count: > 0 } values)
        {
            return Show.Metrics(values.Fields.Where(f => f.Value.KindCase == Value.KindOneofCase.NumberValue).Select(f => KeyValuePair.Create(f.Key, f.Value.NumberValue)));
        }

        var text = Show.Value(Value.ForStruct(result));
        return text.Length <= MaxResultChars ? text : text[..(MaxResultChars - 1)] + "…";
    }

    /// <summary>"model=0123456789ab", in name order.</summary>
    private static string Artifacts(StepRun step) =>
        string.Join(' ', step.Artifacts.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={Show.ShortId(a.Value)}"));
}
