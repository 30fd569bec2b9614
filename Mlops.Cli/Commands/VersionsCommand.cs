using System.CommandLine;
using Mlops.Cli.Output;
using Mlops.V1;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops versions model</c>: a model's versions, newest first, each with its run's metrics.</summary>
internal static class VersionsCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The registered model, e.g. iris_model" };
        var command = new Command("versions", "List a model's versions with their metrics") { model };
        command.SetBody(async (context, cancellationToken) =>
        {
            var response = await context.Connection.Registry.ListModelVersionsAsync(
                new ListModelVersionsRequest { Name = context.Parsed.GetRequiredValue(model) }, cancellationToken: cancellationToken);
            if (context.AnsweredAsJson(response))
            {
                return ExitCodes.Success;
            }

            var table = Tables.Create(null, "version", "aliases", "created", "run", "metrics");
            foreach (var version in response.Versions)
            {
                table.AddTextRow(version.Version.ToString(), string.Join(", ", version.Aliases.Select(a => "@" + a)),
                    Show.Time(version.CreatedTime), version.RunId, Show.Metrics(version.Metrics));
            }

            Tables.Write(context.Terminal.Out, table, "no versions yet");
            return ExitCodes.Success;
        });
        return command;
    }
}
