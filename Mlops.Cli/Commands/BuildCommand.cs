using System.CommandLine;
using Grpc.Core;
using Mlops.Cli.Output;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops build fn</c>: builds the function's image (unless one for its contents exists), its log live, then a summary.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var function = new Argument<string>("function") { Description = "The function whose image to build" };
        var command = new Command("build", "Build a function's image (admin), showing the build log live") { function };
        command.SetBody(async (context, cancellationToken) =>
        {
            var name = context.Parsed.GetRequiredValue(function);
            using var call = context.Connection.Runner.BuildImage(new BuildImageRequest { Function = name }, cancellationToken: cancellationToken);
            var story = context.Story;
            BuildCompleted? completed = null;
            async Task ReadAsync(StatusContext? status)
            {
                await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    switch (item.EventCase)
                    {
                        case BuildEvent.EventOneofCase.Started:
                            story.WriteLine($"building {item.Started.Image}", new Style(Color.Grey));
                            status?.Status(Markup.Escape($"building {item.Started.Image}"));
                            break;
                        case BuildEvent.EventOneofCase.Log:
                            story.WriteLine(item.Log.Line, new Style(Color.Grey));
                            break;
                        case BuildEvent.EventOneofCase.Completed:
                            completed = item.Completed;
                            break;
                    }
                }
            }

            if (story.Profile.Capabilities.Interactive)
            {
                await story.Status().Spinner(Spinner.Known.Dots).StartAsync($"{Markup.Escape(name)}: looking for its image", ReadAsync);
            }
            else
            {
                await ReadAsync(null);
            }

            if (completed is null)
            {
                throw new CliException("the build stream ended without saying how the build went", ExitCodes.Failure);
            }

            if (context.AnsweredAsJson(completed))
            {
                return ExitCodes.Success;
            }

            var table = Tables.Create(null, "image", "id", "built", "took", "size", "own layers");
            table.AddTextRow(completed.Image, Show.ShortId(completed.ImageId),
                completed.CacheHit ? "no (cache hit)" : "yes", Show.Seconds(completed.Duration), Show.Bytes(completed.SizeBytes), Show.Bytes(completed.FunctionLayersBytes));
            context.Terminal.Out.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
