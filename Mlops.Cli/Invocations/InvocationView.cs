using Google.Protobuf.WellKnownTypes;
using Mlops.Cli.Output;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Invocations;

/// <summary>An ended invocation: how it ended and how long each phase took, then its metrics and data as tables (or all of it as JSON).</summary>
internal static class InvocationView
{
    public static void Write(CommandContext context, Invocation invocation)
    {
        if (context.AnsweredAsJson(invocation))
        {
            return;
        }

        var console = context.Terminal.Out;
        var succeeded = invocation.Status == InvocationStatus.Succeeded;
        var phases = invocation.Phases;
        var summary = $"{Show.Enum(invocation.Status, "INVOCATION_STATUS_")} in {Show.Seconds(phases?.Total)}";
        if (phases is not null)
        {
            summary += $" (queue {Show.Seconds(phases.Queue)}, image {Show.Seconds(phases.Image)}, start {Show.Seconds(phases.Start)}, run {Show.Seconds(phases.Run)})";
        }

        if (invocation.HasExitCode)
        {
            summary += $", exit code {invocation.ExitCode}";
        }

        console.WriteLine(summary, new Style(succeeded ? Color.Green : Color.Red));
        if (invocation.Result is { } result)
        {
            WriteStruct(console, "metrics", result.Metrics);
            WriteStruct(console, "data", result.Data);
        }
    }

    /// <summary>Exit code 0 only for an invocation that succeeded; otherwise the error it ended with.</summary>
    /// <exception cref="CliException">The invocation did not succeed.</exception>
    public static int ExitCodeOf(Invocation invocation)
    {
        if (invocation.Status == InvocationStatus.Succeeded)
        {
            return ExitCodes.Success;
        }

        var code = string.IsNullOrEmpty(invocation.ErrorCode) ? Show.Enum(invocation.Status, "INVOCATION_STATUS_") : invocation.ErrorCode;
        var message = string.IsNullOrEmpty(invocation.ErrorMessage) ? "the invocation did not succeed" : invocation.ErrorMessage;
        throw new CliException($"{code}: {message}", ExitCodes.Failure);
    }

    private static void WriteStruct(IAnsiConsole console, string title, Struct? values)
    {
        if (values is null || values.Fields.Count == 0)
        {
            return;
        }

        var table = Tables.Create(title, "name", "value");
        foreach (var (name, value) in values.Fields)
        {
            table.AddRow(new Text(name), new Text(Show.Value(value)));
        }

        console.Write(table);
    }
}
