using Grpc.Core;
using Mlops.Cli.Output;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Invocations;

/// <summary>
/// Tells an invocation's event stream as it happens (Invoke, WatchInvocation): build lines dimmed, the function's
/// stdout as printed and its stderr in yellow, with a spinner naming the phase on a terminal. What the events say
/// is gathered into <see cref="Invocation"/>, in the shape GetInvocation answers.
/// </summary>
internal sealed class InvocationStory(IAnsiConsole console)
{
    private static readonly Style Dim = new(Color.Grey);
    private static readonly Style Stderr = new(Color.Yellow);

    public Invocation Invocation { get; } = new();

    /// <summary>True once the stream said how the invocation ended.</summary>
    public bool Ended { get; private set; }

    public async Task TellAsync(IAsyncStreamReader<InvokeEvent> events, CancellationToken cancellationToken)
    {
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Status().Spinner(Spinner.Known.Dots).StartAsync("waiting for the runner", context => ReadAsync(events, context, cancellationToken));
        }
        else
        {
            await ReadAsync(events, null, cancellationToken);
        }
    }

    private async Task ReadAsync(IAsyncStreamReader<InvokeEvent> events, StatusContext? status, CancellationToken cancellationToken)
    {
        void Phase(string text) => status?.Status(Markup.Escape(text));

        await foreach (var item in events.ReadAllAsync(cancellationToken))
        {
            switch (item.EventCase)
            {
                case InvokeEvent.EventOneofCase.Accepted:
                    Invocation.Id = item.Accepted.InvocationId;
                    Invocation.Function = item.Accepted.Function;
                    Invocation.CreatedTime = item.Accepted.Time;
                    console.WriteLine($"invocation {item.Accepted.InvocationId} ({item.Accepted.Function})", Dim);
                    Phase($"{item.Accepted.Function}: starting");
                    break;
                case InvokeEvent.EventOneofCase.Queued:
                    console.WriteLine($"queued: position {item.Queued.Position}", Dim);
                    Phase($"{Invocation.Function}: queued, position {item.Queued.Position}");
                    break;
                case InvokeEvent.EventOneofCase.BuildLog:
                    console.WriteLine(item.BuildLog.Line, Dim);
                    Phase($"{Invocation.Function}: building its image");
                    break;
                case InvokeEvent.EventOneofCase.Image:
                    Invocation.Image = item.Image.Image;
                    console.WriteLine($"image {item.Image.Image} ({(item.Image.CacheHit ? "cached" : "built")})", Dim);
                    Phase($"{Invocation.Function}: starting its container");
                    break;
                case InvokeEvent.EventOneofCase.ContainerStarted:
                    console.WriteLine($"container {Show.ShortId(item.ContainerStarted.ContainerId)} started", Dim);
                    Phase($"{Invocation.Function}: running");
                    break;
                case InvokeEvent.EventOneofCase.Log:
                    console.WriteLine(item.Log.Line, item.Log.Stream == LogStream.Stderr ? Stderr : Style.Plain);
                    break;
                case InvokeEvent.EventOneofCase.Result:
                    Invocation.Result = item.Result;
                    break;
                case InvokeEvent.EventOneofCase.Completed:
                    Invocation.Status = item.Completed.Status;
                    if (item.Completed.HasExitCode)
                    {
                        Invocation.ExitCode = item.Completed.ExitCode;
                    }

                    Invocation.Phases = item.Completed.Phases;
                    Invocation.ErrorCode = item.Completed.ErrorCode;
                    Invocation.ErrorMessage = item.Completed.ErrorMessage;
                    Ended = true;
                    break;
            }
        }
    }
}
