namespace Mlops.Runner.Diagnostics;

/// <summary>The Swarm backend (issue 26): ids 470-489.</summary>
internal static partial class Log
{
    [LoggerMessage(470, LogLevel.Information, "Pushed image {Image} to the swarm's registry as {Name} in {Milliseconds:F0} ms")]
    public static partial void ImagePushed(this ILogger logger, string image, string name, double milliseconds);

    [LoggerMessage(471, LogLevel.Information, "Task {Task} of {Owner} ended on node {Node} with exit code {ExitCode}")]
    public static partial void TaskEnded(this ILogger logger, string task, string owner, string node, long exitCode);

    [LoggerMessage(472, LogLevel.Warning, "Task {Task} of {Owner} left out of its output what may not come back: {Entries}")]
    public static partial void TaskOutputSkipped(this ILogger logger, string task, string owner, string entries);

    [LoggerMessage(473, LogLevel.Information, "Made the internal overlay network {Network} for function tasks")]
    public static partial void TaskNetworkMade(this ILogger logger, string network);

    [LoggerMessage(474, LogLevel.Information, "Started the swarm's edge {Container} on {Address}, into network {Network}")]
    public static partial void EdgeStarted(this ILogger logger, string container, string address, string network);
}
