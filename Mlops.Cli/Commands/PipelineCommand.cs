using System.CommandLine;
using Mlops.Cli.Pipelines;
using Mlops.V1;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops pipeline run|runs|get|watch|cancel</c>: a pipeline's runs.</summary>
internal static class PipelineCommand
{
    public static Command Create() =>
        new("pipeline", "Run a pipeline and look after its runs")
        {
            PipelineRunCommand.Create(),
            PipelineRunsCommand.Create(),
            Get(),
            Watch(),
            Cancel(),
        };

    private static Argument<string> RunId() => new("run-id") { Description = "The run's id (mlops pipeline runs lists them)" };

    private static Command Get()
    {
        var id = RunId();
        var command = new Command("get", "Show a run: each step's status, cache key, whether it was a hit, its result and artifacts") { id };
        command.SetBody(async (context, cancellationToken) =>
        {
            var run = await context.Connection.Pipelines.GetPipelineRunAsync(new GetPipelineRunRequest { Id = context.Parsed.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            PipelineRunView.Write(context, run);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Watch()
    {
        var id = RunId();
        var command = new Command("watch", "Show a run's events from its start, then follow it live to its end") { id };
        command.SetBody(async (context, cancellationToken) =>
        {
            using var watch = context.Connection.Pipelines.WatchPipelineRun(new WatchPipelineRunRequest { Id = context.Parsed.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            return await PipelineFollow.FollowAsync(context, watch.ResponseStream, cancellationToken);
        });
        return command;
    }

    private static Command Cancel()
    {
        var id = RunId();
        var command = new Command("cancel", "Stop a run: its running steps are cancelled, its pending ones never start") { id };
        command.SetBody(async (context, cancellationToken) =>
        {
            var run = await context.Connection.Pipelines.CancelPipelineRunAsync(new CancelPipelineRunRequest { Id = context.Parsed.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            PipelineRunView.Write(context, run);
            return ExitCodes.Success;
        });
        return command;
    }
}
