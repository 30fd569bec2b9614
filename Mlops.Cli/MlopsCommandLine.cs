using System.CommandLine;
using Mlops.Cli.Commands;

namespace Mlops.Cli;

/// <summary>The <c>mlops</c> command and its verbs.</summary>
internal static class MlopsCommandLine
{
    public static RootCommand Create() =>
        new RootCommand("Drive the mlops control plane over gRPC: functions, builds, invocations, models, runs, endpoints and pipelines.")
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
            PipelinesCommand.Create(),
            PipelineCommand.Create(),
        };

    /// <summary>The command line read, its errors (if any) in <see cref="ParseResult.Errors"/>; nothing is run.</summary>
    public static ParseResult Parse(IReadOnlyList<string> args) =>
        // No response files: "@champion" is an alias here, not a file to read arguments from.
        Create().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Parse(args);
        int exit;
        try
        {
            exit = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            // The actions report every failure they expect (CommandAction); this is a bug in mlops. It is told in
            // one line, as every other error is, rather than as a stack trace a user can do nothing with.
            Console.Error.WriteLine($"error: mlops failed unexpectedly ({ex.GetType().Name}): {ex.Message}");
            return ExitCodes.Failure;
        }

        // System.CommandLine has printed the parse errors and help; a usage error exits 2, as Unix tools do.
        return parsed.Errors.Count > 0 ? ExitCodes.Usage : exit;
    }
}
