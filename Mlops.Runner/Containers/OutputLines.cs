using System.Runtime.CompilerServices;
using System.Text;

namespace Mlops.Runner.Containers;

/// <summary>
/// A container's multiplexed output as lines per stream: one UTF-8 decoder and one line buffer for each
/// stream (a character or a line may be split across frames), the last partial lines flushed at the end.
/// </summary>
internal static class OutputLines
{
    /// <param name="drained">Cancelled once the container has exited and its output had time to arrive: the end, not an error.</param>
    /// <param name="onFailure">Told of a broken stream; the lines read so far stand.</param>
    public static async IAsyncEnumerable<ContainerLogLine> ReadAsync(
        IContainerOutput output, TimeProvider time, Action<Exception> onFailure, CancellationToken drained, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var read = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, drained);
        var buffer = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        var decoders = new[] { Encoding.UTF8.GetDecoder(), Encoding.UTF8.GetDecoder() };
        var lines = new[] { new LineBuffer(), new LineBuffer() };
        while (true)
        {
            (int Count, OutputStream Stream) chunk;
            try
            {
                chunk = await output.ReadAsync(buffer, read.Token);
            }
            catch (OperationCanceledException) when (drained.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                onFailure(ex);
                break;
            }

            if (chunk.Count == 0)
            {
                break;
            }

            var stream = (int)chunk.Stream;
            var count = decoders[stream].GetChars(buffer, 0, chunk.Count, chars, 0, flush: false);
            foreach (var line in lines[stream].Append(new string(chars, 0, count)))
            {
                yield return new ContainerLogLine(chunk.Stream, line, time.GetUtcNow());
            }
        }

        foreach (var stream in new[] { OutputStream.Stdout, OutputStream.Stderr })
        {
            if (lines[(int)stream].Flush() is { } last)
            {
                yield return new ContainerLogLine(stream, last, time.GetUtcNow());
            }
        }
    }
}
