using Grpc.Core;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Pipelines;

/// <summary>Follows a run's feed to its end, then shows the run; its exit code. Shared by pipeline run --follow and pipeline watch.</summary>
internal static class PipelineFollow
{
    public static async Task<int> FollowAsync(CommandContext context, IAsyncStreamReader<PipelineEvent> events, CancellationToken cancellationToken)
    {
        var story = new PipelineStory(context.Story);
        try
        {
            await story.TellAsync(events, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException && cancellationToken.IsCancellationRequested && story.Run.Id.Length > 0)
        {
            // Ctrl+C leaves the feed, not the run: it belongs to the runner once accepted.
            var id = story.Run.Id;
            context.Terminal.Error.WriteLine($"left run {id}; it goes on (mlops pipeline watch {id} follows it, mlops pipeline cancel {id} stops it)");
            throw;
        }
        catch (RpcException) when (story.Ended)
        {
            // A failed run ends its feed with its status after `completed`: show the run, then the status is the error.
            PipelineRunView.Write(context, story.Run);
            throw;
        }

        if (!story.Ended)
        {
            throw new CliException("the stream ended before the run did", ExitCodes.Failure);
        }

        PipelineRunView.Write(context, story.Run);
        return PipelineRunView.ExitCodeOf(story.Run);
    }
}
