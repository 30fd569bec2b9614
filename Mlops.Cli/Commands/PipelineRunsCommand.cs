using System.CommandLine;
using Mlops.Cli.Output;
using Mlops.Cli.Pipelines;
using Mlops.V1;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops pipeline runs [name]</c>: pipeline runs, newest first, with how many steps came from the cache.</summary>
internal static class PipelineRunsCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = "Only this pipeline's runs", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many (default 50)", DefaultValueFactory = _ => 50 };
        var command = new Command("runs", "List pipeline runs, newest first") { name, limit };
        command.SetBody(async (context, cancellationToken) =>
        {
            var response = await context.Connection.Pipelines.ListPipelineRunsAsync(
                new ListPipelineRunsRequest { Pipeline = context.Parsed.GetValue(name) ?? "", PageSize = context.Parsed.GetValue(limit) },
                cancellationToken: cancellationToken);
            if (context.AnsweredAsJson(response))
            {
                return ExitCodes.Success;
            }

            var table = Tables.Create(null, "id", "pipeline", "status", "created", "duration", "steps", "cached", "error");
            foreach (var run in response.Runs)
            {
                var steps = PipelineRunView.Rows(run.Steps).Where(row => !row.Run.HasItem).ToList();
                table.AddTextRow(run.Id, run.Pipeline, Show.Enum(run.Status, "PIPELINE_RUN_STATUS_"), Show.Time(run.CreatedTime),
                    PipelineRunView.Duration(run.CreatedTime, run.EndTime),
                    $"{steps.Count(step => step.Run.Status == StepStatus.Succeeded)}/{steps.Count}", steps.Count(step => step.Run.CacheHit).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    PipelineRunView.Error(run.ErrorCode, run.ErrorMessage));
            }

            Tables.Write(context.Terminal.Out, table, "no pipeline runs yet");
            return ExitCodes.Success;
        });
        return command;
    }
}
