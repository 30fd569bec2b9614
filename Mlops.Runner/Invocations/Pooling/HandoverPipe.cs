using System.Runtime.InteropServices;
using System.Text;

namespace Mlops.Runner.Invocations.Pooling;

/// <summary>
/// The named pipe a pooled container waits on (input/.handover, made by the runner, readable by the function,
/// on its read-only input mount). Opening its write end without blocking fails until the function has opened
/// the read end, so a successful open is the sign that the container is ready; the one line written then is
/// its invocation, and closing it without a line releases the container unused (its read ends at EOF).
/// </summary>
internal sealed partial class HandoverPipe : IDisposable
{
    public const string FileName = ".handover";

    private const int WriteOnly = 0x1;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int NoReader = 6; // ENXIO
    private const int Interrupted = 4; // EINTR

    private readonly Lock _sync = new();
    private int _descriptor = -1;
    private bool _closed;

    private HandoverPipe(string path) => Path = path;

    public string Path { get; }

    /// <summary>True once the function waits on the pipe (and stays true: the runner holds its end from then on).</summary>
    public bool IsReady
    {
        get
        {
            lock (_sync)
            {
                return _descriptor >= 0;
            }
        }
    }

    /// <summary>Makes the pipe in <paramref name="folder"/>: owned by the runner, readable by anyone, writable by it alone.</summary>
    public static HandoverPipe Create(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("a warm pool needs Linux named pipes");
        }

        var path = System.IO.Path.Combine(folder, FileName);
        if (MakeFifo(path, 0b110_100_100) != 0)
        {
            throw new IOException($"cannot make the hand-over pipe {path} ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())})");
        }

        // mkfifo obeys the umask; the function's user must be able to read it whatever the runner's umask is.
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        return new HandoverPipe(path);
    }

    /// <summary>Opens the write end if the function is waiting on the read end; false while it is not (yet).</summary>
    public bool TryOpen()
    {
        lock (_sync)
        {
            if (_descriptor >= 0 || _closed)
            {
                return _descriptor >= 0;
            }

            var descriptor = Open(Path, WriteOnly | NonBlocking | CloseOnExec);
            if (descriptor < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                return error is NoReader or Interrupted
                    ? false
                    : throw new IOException($"cannot open the hand-over pipe {Path} ({Marshal.GetPInvokeErrorMessage(error)})");
            }

            _descriptor = descriptor;
            return true;
        }
    }

    /// <summary>
    /// Writes the invocation's one line (shorter than PIPE_BUF, so written whole) and closes the pipe. False when
    /// the function is no longer reading (it died while it waited): the container cannot take the invocation.
    /// </summary>
    public bool Send(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        if (bytes.Length > 4096)
        {
            throw new ArgumentException("a hand-over line must fit in one pipe write", nameof(line));
        }

        lock (_sync)
        {
            if (_descriptor < 0)
            {
                throw new InvalidOperationException("the container is not waiting for its hand-over");
            }

            long written;
            do
            {
                written = Write(_descriptor, bytes, bytes.Length);
            }
            while (written < 0 && Marshal.GetLastPInvokeError() == Interrupted);

            CloseLocked();
            return written == bytes.Length;
        }
    }

    /// <summary>Closes the write end without a line: a waiting function reads EOF and exits without running.</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            CloseLocked();
        }
    }

    private void CloseLocked()
    {
        _closed = true;
        if (_descriptor >= 0)
        {
            _ = Close(_descriptor);
            _descriptor = -1;
        }
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int descriptor, byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
