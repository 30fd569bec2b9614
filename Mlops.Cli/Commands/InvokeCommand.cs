using System.CommandLine;
using Grpc.Core;
using Mlops.Cli.Invocations;
using Mlops.Cli.Output;
using Mlops.Cli.Parameters;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Commands;

/// <summary>
/// <c>mlops invoke fn -p key=value …</c>: runs the function, its build and logs live, then its result. With
/// <c>--async</c> it only starts it and prints the id; <c>--follow</c> then watches it to its end. Exits 0 only
/// for an invocation that succeeded.
/// </summary>
internal static class InvokeCommand
{
    public static Command Create()
    {
        var function = new Argument<string>("function") { Description = "The function to run, e.g. train or predict" };
        var parameters = new Option<string[]>("--param", "-p")
        {
            Description = "A parameter as key=value; the value is read as JSON when it is JSON (20, true, [5.1,3.5,1.4,0.2]), else as text",
            HelpName = "key=value",
        };
        var parametersJson = new Option<string?>("--params-json") { Description = "All parameters as one JSON object; -p values go over it", HelpName = "json" };
        var asynchronous = new Option<bool>("--async") { Description = "Start it and print its id at once; it runs whether or not anyone watches" };
        var follow = new Option<bool>("--follow") { Description = "With --async: watch it to its end, as a synchronous invoke shows it" };
        var command = new Command("invoke", "Run a function once in a fresh container") { function, parameters, parametersJson, asynchronous, follow };
        command.Validators.Add(result =>
        {
            if (result.GetValue(follow) && !result.GetValue(asynchronous))
            {
                result.AddError("--follow goes with --async (a synchronous invoke follows anyway)");
            }
        });
        command.SetBody(async (context, cancellationToken) =>
        {
            var request = new InvokeRequest
            {
                Function = context.Parsed.GetRequiredValue(function),
                Parameters = InvokeParameters.Parse(context.Parsed.GetValue(parameters) ?? [], context.Parsed.GetValue(parametersJson)),
            };
            if (!context.Parsed.GetValue(asynchronous))
            {
                using var call = context.Connection.Runner.Invoke(request, cancellationToken: cancellationToken);
                return await FollowAsync(context, call.ResponseStream, cancellationToken);
            }

            var accepted = await context.Connection.Runner.InvokeAsyncAsync(request, cancellationToken: cancellationToken);
            if (!context.Parsed.GetValue(follow))
            {
                if (!context.AnsweredAsJson(accepted))
                {
                    context.Terminal.Out.WriteLine(accepted.InvocationId);
                }

                return ExitCodes.Success;
            }

            using var watch = context.Connection.Runner.WatchInvocation(new WatchInvocationRequest { Id = accepted.InvocationId }, cancellationToken: cancellationToken);
            return await FollowAsync(context, watch.ResponseStream, cancellationToken);
        });
        return command;
    }

    /// <summary>Tells the story, then the ended invocation; its exit code. Shared by invoke, invoke --follow and logs.</summary>
    public static async Task<int> FollowAsync(CommandContext context, IAsyncStreamReader<InvokeEvent> events, CancellationToken cancellationToken)
    {
        var story = new InvocationStory(context.Story);
        try
        {
            await story.TellAsync(events, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException && cancellationToken.IsCancellationRequested && story.Invocation.Id.Length > 0)
        {
            // Ctrl+C leaves the stream; a training (and anything watched) runs on, so say where to find it again.
            context.Terminal.Error.WriteLine($"left invocation {story.Invocation.Id} (mlops logs {story.Invocation.Id} shows how it ends)");
            throw;
        }
        catch (RpcException) when (story.Ended)
        {
            // Invoke ends a failed invocation with its status after `completed`: show how it ended, then the
            // status (with its field violations) is the error.
            InvocationView.Write(context, story.Invocation);
            throw;
        }

        if (!story.Ended)
        {
            throw new CliException("the stream ended before the invocation did", ExitCodes.Failure);
        }

        InvocationView.Write(context, story.Invocation);
        return InvocationView.ExitCodeOf(story.Invocation);
    }
}
