using System.Text;
using Docker.DotNet;
using Mlops.Runner.Images;

namespace Mlops.Runner.Containers;

/// <summary>Reads an attached container's multiplexed output and reports it line by line, per stream, as it arrives.</summary>
internal static class LogPump
{
    public static async Task RunAsync(
        MultiplexedStream stream,
        Func<ContainerEvent, CancellationToken, ValueTask> onEvent,
        Task started,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        // One decoder per stream: a UTF-8 sequence may be split across frames.
        var decoders = new[] { Encoding.UTF8.GetDecoder(), Encoding.UTF8.GetDecoder() };
        var lines = new[] { new LineBuffer(), new LineBuffer() };

        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            // Lines are reported after the container's start has been, whichever the engine delivers first.
            await started.WaitAsync(cancellationToken);
            var target = read.Target == MultiplexedStream.TargetStream.StandardError ? OutputStream.Stderr : OutputStream.Stdout;
            var count = decoders[(int)target].GetChars(buffer, 0, read.Count, chars, 0, flush: false);
            foreach (var line in lines[(int)target].Append(new string(chars, 0, count)))
            {
                await onEvent(new ContainerLogEvent(target, line, time.GetUtcNow()), cancellationToken);
            }
        }

        await started.WaitAsync(cancellationToken);
        foreach (var target in new[] { OutputStream.Stdout, OutputStream.Stderr })
        {
            if (lines[(int)target].Flush() is { } last)
            {
                await onEvent(new ContainerLogEvent(target, last, time.GetUtcNow()), cancellationToken);
            }
        }
    }
}
