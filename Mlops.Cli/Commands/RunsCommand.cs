using System.CommandLine;
using Mlops.Cli.Output;
using Mlops.V1;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops runs</c>: tracked trainings, newest first, with their metrics.</summary>
internal static class RunsCommand
{
    public static Command Create()
    {
        var experiment = new Option<string?>("--experiment", "-e") { Description = "Only this experiment's runs (the function's name, e.g. train)" };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many (default 50)", DefaultValueFactory = _ => 50 };
        var command = new Command("runs", "List tracked runs, newest first") { experiment, limit };
        command.SetBody(async (context, cancellationToken) =>
        {
            var response = await context.Connection.Registry.ListRunsAsync(
                new ListRunsRequest { Experiment = context.Parsed.GetValue(experiment) ?? "", PageSize = context.Parsed.GetValue(limit) },
                cancellationToken: cancellationToken);
            if (context.AnsweredAsJson(response))
            {
                return ExitCodes.Success;
            }

            var table = Tables.Create(null, "run", "experiment", "status", "started", "duration", "metrics");
            foreach (var run in response.Runs)
            {
                var duration = run.StartTime is not null && run.EndTime is not null
                    ? Show.Seconds(Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(run.EndTime.ToDateTime() - run.StartTime.ToDateTime()))
                    : "";
                table.AddTextRow(run.Id, run.Experiment, Show.Enum(run.Status, "RUN_STATUS_"), Show.Time(run.StartTime), duration, Show.Metrics(run.Metrics));
            }

            Tables.Write(context.Terminal.Out, table, "no runs yet");
            return ExitCodes.Success;
        });
        return command;
    }
}
