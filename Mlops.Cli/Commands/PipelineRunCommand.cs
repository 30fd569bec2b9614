using System.CommandLine;
using Mlops.Cli.Output;
using Mlops.Cli.Parameters;
using Mlops.Cli.Pipelines;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Commands;

/// <summary>
/// <c>mlops pipeline run iris --input name=value … [--no-cache] [--follow]</c>: starts a run and prints its id; with
/// <c>--follow</c>, one line per event as it happens, then the steps, exiting 0 only when the run succeeded.
/// </summary>
internal static class PipelineRunCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The pipeline to run (mlops pipelines lists them)" };
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = "An input as name=value; the value is read as JSON when it is JSON (20, true, [10,50,100]), else as text",
            HelpName = "name=value",
        };
        var noCache = new Option<bool>("--no-cache") { Description = "Take nothing from the cache: every step runs (what they make is still cached)" };
        var follow = new Option<bool>("--follow") { Description = "Follow the run to its end: each step as it happens, then a table of the steps" };
        var json = new Option<bool>("--json") { Description = "The same as -o json: the API's messages (the story, if followed, goes to stderr)" };
        var command = new Command("run", "Run a pipeline; it runs on whether or not anyone follows it") { name, inputs, noCache, follow, json };
        command.SetBody(async (context, cancellationToken) =>
        {
            context = context.Parsed.GetValue(json) ? context with { Format = OutputFormat.Json } : context;
            var request = new RunPipelineRequest
            {
                Pipeline = context.Parsed.GetRequiredValue(name),
                Inputs = InvokeParameters.Parse(context.Parsed.GetValue(inputs) ?? [], null, "--input"),
                NoCache = context.Parsed.GetValue(noCache),
            };
            if (context.Parsed.GetValue(follow))
            {
                using var call = context.Connection.Pipelines.RunPipeline(request, cancellationToken: cancellationToken);
                return await PipelineFollow.FollowAsync(context, call.ResponseStream, cancellationToken);
            }

            var accepted = await context.Connection.Pipelines.RunPipelineAsyncAsync(request, cancellationToken: cancellationToken);
            if (!context.AnsweredAsJson(accepted))
            {
                context.Terminal.Out.WriteLine(accepted.RunId);
                context.Terminal.Error.WriteLine($"mlops pipeline watch {accepted.RunId} follows it; mlops pipeline get {accepted.RunId} shows it");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
