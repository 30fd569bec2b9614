using System.CommandLine;
using Mlops.V1;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops logs id</c>: an invocation's story from its start, live while it runs, replayed once it has ended.</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The invocation's id (mlops invocations lists them)" };
        var command = new Command("logs", "Show an invocation's events and logs from its start; follows one still running") { id };
        command.SetBody(async (context, cancellationToken) =>
        {
            using var watch = context.Connection.Runner.WatchInvocation(new WatchInvocationRequest { Id = context.Parsed.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            return await InvokeCommand.FollowAsync(context, watch.ResponseStream, cancellationToken);
        });
        return command;
    }
}
