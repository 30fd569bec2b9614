using System.CommandLine;
using Mlops.Cli.Output;
using Mlops.V1;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops invocations</c>: the recent invocations, newest first.</summary>
internal static class InvocationsCommand
{
    public static Command Create()
    {
        var function = new Option<string?>("--function", "-f") { Description = "Only this function's invocations" };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many (default 50)", DefaultValueFactory = _ => 50 };
        var command = new Command("invocations", "List recent invocations, newest first") { function, limit };
        command.SetBody(async (context, cancellationToken) =>
        {
            var response = await context.Connection.Runner.ListInvocationsAsync(
                new ListInvocationsRequest { Function = context.Parsed.GetValue(function) ?? "", PageSize = context.Parsed.GetValue(limit) },
                cancellationToken: cancellationToken);
            if (context.AnsweredAsJson(response))
            {
                return ExitCodes.Success;
            }

            var table = Tables.Create(null, "id", "function", "status", "created", "duration", "error");
            foreach (var invocation in response.Invocations)
            {
                var error = string.IsNullOrEmpty(invocation.ErrorCode) ? "" : $"{invocation.ErrorCode}: {invocation.ErrorMessage}";
                table.AddTextRow(invocation.Id, invocation.Function, Show.Enum(invocation.Status, "INVOCATION_STATUS_"),
                    Show.Time(invocation.CreatedTime), Show.Seconds(invocation.Phases?.Total), error);
            }

            Tables.Write(context.Terminal.Out, table, "no invocations yet");
            return ExitCodes.Success;
        });
        return command;
    }
}
