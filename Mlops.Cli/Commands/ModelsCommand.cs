using System.CommandLine;
using Mlops.Cli.Output;
using Mlops.V1;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops models</c>: the registered models, with their newest version and aliases.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the registered models");
        command.SetBody(async (context, cancellationToken) =>
        {
            var response = await context.Connection.Registry.ListModelsAsync(new ListModelsRequest(), cancellationToken: cancellationToken);
            if (context.AnsweredAsJson(response))
            {
                return ExitCodes.Success;
            }

            var table = Tables.Create(null, "model", "latest version", "aliases", "updated");
            foreach (var model in response.Models)
            {
                var aliases = string.Join(", ", model.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"@{a.Key} -> {a.Value}"));
                table.AddTextRow(model.Name, model.LatestVersion == 0 ? "none" : model.LatestVersion.ToString(), aliases, Show.Time(model.UpdatedTime));
            }

            Tables.Write(context.Terminal.Out, table, "no registered models yet (mlops invoke train registers one)");
            return ExitCodes.Success;
        });
        return command;
    }
}
