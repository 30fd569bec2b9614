using System.CommandLine;
using Grpc.Core;
using Mlops.Cli.Connection;
using Mlops.Cli.Output;

namespace Mlops.Cli;

internal static class CommandAction
{
    /// <summary>Sets <paramref name="command"/>'s action to <paramref name="body"/>, connected and with its errors reported.</summary>
    public static void SetBody(this Command command, Func<CommandContext, CancellationToken, Task<int>> body) =>
        command.SetAction((parsed, cancellationToken) => RunAsync(parsed, body, cancellationToken));

    private static async Task<int> RunAsync(ParseResult parsed, Func<CommandContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        var terminal = Terminal.ForProcess();
        Uri? address = null;
        try
        {
            address = ServerAddress.Resolve(parsed.GetValue(GlobalOptions.Url), Environment.GetEnvironmentVariable(ServerAddress.EnvironmentVariable));
            var key = ApiKey.Resolve(Environment.GetEnvironmentVariable(ApiKey.EnvironmentVariable), Environment.CurrentDirectory);
            using var connection = new MlopsConnection(address, key);
            return await body(new CommandContext(connection, terminal, parsed.GetValue(GlobalOptions.Output) ?? OutputFormat.Table, parsed), cancellationToken);
        }
        catch (CliException ex)
        {
            ErrorReport.Write(terminal.Error, $"error: {ex.Message}");
            return ex.ExitCode;
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            ErrorReport.Write(terminal.Error, "cancelled");
            return ExitCodes.Cancelled;
        }
        catch (RpcException ex)
        {
            ErrorReport.Write(terminal.Error, ex, address!);
            return ExitCodes.Failure;
        }
    }
}
