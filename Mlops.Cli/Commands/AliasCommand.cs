using System.CommandLine;
using Mlops.Cli.Output;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops alias set|delete</c>: points a model alias (e.g. champion) at a version, or removes it (admin).</summary>
internal static class AliasCommand
{
    public static Command Create() => new("alias", "Set or delete a model alias (admin); predict and endpoints take @alias")
    {
        Set(),
        Delete(),
    };

    private static Command Set()
    {
        var model = new Argument<string>("model") { Description = "The registered model, e.g. iris_model" };
        var alias = new Argument<string>("alias") { Description = "The alias, e.g. champion" };
        var version = new Argument<int>("version") { Description = "The version it points at" };
        var command = new Command("set", "Point an alias at a version") { model, alias, version };
        command.SetBody(async (context, cancellationToken) =>
        {
            var request = new SetModelAliasRequest
            {
                Name = context.Parsed.GetRequiredValue(model),
                Alias = Bare(context.Parsed.GetRequiredValue(alias)),
                Version = context.Parsed.GetValue(version),
            };
            var pointed = await context.Connection.Registry.SetModelAliasAsync(request, cancellationToken: cancellationToken);
            if (!context.AnsweredAsJson(pointed))
            {
                context.Terminal.Out.WriteLine($"{pointed.Name}@{request.Alias} -> version {pointed.Version} ({pointed.ModelUri})");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Delete()
    {
        var model = new Argument<string>("model") { Description = "The registered model, e.g. iris_model" };
        var alias = new Argument<string>("alias") { Description = "The alias to remove" };
        var command = new Command("delete", "Remove an alias") { model, alias };
        command.SetBody(async (context, cancellationToken) =>
        {
            var request = new DeleteModelAliasRequest { Name = context.Parsed.GetRequiredValue(model), Alias = Bare(context.Parsed.GetRequiredValue(alias)) };
            var response = await context.Connection.Registry.DeleteModelAliasAsync(request, cancellationToken: cancellationToken);
            if (!context.AnsweredAsJson(response))
            {
                context.Terminal.Out.WriteLine($"{request.Name}@{request.Alias} deleted");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>"@champion" as predict spells it is the alias "champion".</summary>
    private static string Bare(string alias) => alias.TrimStart('@');
}
