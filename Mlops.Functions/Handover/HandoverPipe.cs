using System.Text;

namespace Mlops.Functions.Handover;

/// <summary>
/// A pooled container's wait for its invocation: the named pipe (<c>MLOPS_HANDOVER</c>) on which the runner writes
/// one <see cref="HandoverLine"/>, or which it closes unwritten when it releases the container unused.
/// </summary>
internal static class HandoverPipe
{
    /// <summary>An id, a traceparent (55 characters) and a nonce fit many times over; a longer line is a broken runner.</summary>
    private const int MaxLine = 1024;

    /// <summary>The invocation handed over, or null when the pipe ended before a whole line (the container is released).</summary>
    /// <exception cref="FormatException">The runner wrote a malformed line.</exception>
    /// <exception cref="IOException">There is no pipe to read at <paramref name="fifoPath"/>.</exception>
    public static Task<HandoverLine?> WaitAsync(string fifoPath, CancellationToken cancellationToken) =>
        // Opening a FIFO blocks in open(2) until the runner opens the write end, which no token can interrupt: a
        // thread of its own waits there, and a cancelled caller stops waiting for it (the thread ends at the next
        // writer, or with the process).
        Task.Factory.StartNew(() => Read(fifoPath), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .WaitAsync(cancellationToken);

    private static HandoverLine? Read(string fifoPath)
    {
        using var pipe = new FileStream(fifoPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        var line = new byte[MaxLine];
        var length = 0;
        while (length < line.Length)
        {
            var read = pipe.Read(line, length, line.Length - length);
            if (read == 0)
            {
                return null;
            }

            var end = Array.IndexOf(line, (byte)'\n', length, read);
            if (end >= 0)
            {
                return HandoverLine.Parse(Encoding.UTF8.GetString(line, 0, end));
            }

            length += read;
        }

        throw new FormatException($"the hand-over line is longer than {MaxLine} bytes");
    }
}
