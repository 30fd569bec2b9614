using System.CommandLine;
using Grpc.Core;
using Mlops.Cli.Pipelines;
using Mlops.V1;
using static Mlops.V1.Pipelines;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops pipeline run|runs|get|watch|cancel</c>: a pipeline's runs.</summary>
internal static class PipelineCommand
{
    public static Command Create() =>
        new("pipeline", "Run a pipeline and look after its runs")
        {
            PipelineRunCommand.Create(),
            PipelineRunsCommand.Create(),
            OneRun("get", "Show a run: each step's status, cache key, whether it was a hit, its result and artifacts",
                (client, id, token) => client.GetPipelineRunAsync(new GetPipelineRunRequest { Id = id }, cancellationToken: token)),
            Watch(),
            OneRun("cancel", "Stop a run: its running steps are cancelled, its pending ones never start",
                (client, id, token) => client.CancelPipelineRunAsync(new CancelPipelineRunRequest { Id = id }, cancellationToken: token)),
        };

    private static Argument<string> RunId() => new("run-id") { Description = "The run's id (mlops pipeline runs lists them)" };

    /// <summary>A verb that sends one run id and shows the run it is answered with.</summary>
    private static Command OneRun(string name, string description, Func<PipelinesClient, string, CancellationToken, AsyncUnaryCall<PipelineRun>> call)
    {
        var id = RunId();
        var command = new Command(name, description) { id };
        command.SetBody(async (context, cancellationToken) =>
        {
            PipelineRunView.Write(context, await call(context.Connection.Pipelines, context.Parsed.GetRequiredValue(id), cancellationToken));
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
}
