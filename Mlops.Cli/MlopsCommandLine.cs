using System.CommandLine;
using Mlops.Cli.Commands;

namespace Mlops.Cli;

/// <summary>The <c>mlops</c> command and its verbs.</summary>
internal static class MlopsCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Drive the mlops control plane over gRPC: functions, builds, invocations, models, runs and endpoints.")
        {
            GlobalOptions.Url,
            GlobalOptions.Output,
            FunctionsCommand.Create(),
            BuildCommand.Create(),
            InvokeCommand.Create(),
            InvocationsCommand.Create(),
            LogsCommand.Create(),
            ModelsCommand.Create(),
            VersionsCommand.Create(),
            AliasCommand.Create(),
            RunsCommand.Create(),
            EndpointsCommand.Create(),
            DeployCommand.Create(),
            PredictCommand.Create(),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        // No response files: "@champion" is an alias here, not a file to read arguments from.
        var parsed = Create().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // Our actions report their own failures (CommandAction); anything reaching here is a bug, still told in one line.
        var exit = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        // System.CommandLine has printed the parse errors and help; a usage error exits 2, as Unix tools do.
        return parsed.Errors.Count > 0 ? ExitCodes.Usage : exit;
    }
}
