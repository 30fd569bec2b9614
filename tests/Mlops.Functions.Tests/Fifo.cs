using System.Diagnostics;
using System.Text;

namespace Mlops.Functions.Tests;

/// <summary>A named pipe made with mkfifo(1) (.NET cannot make one), and the runner's two ends of a hand-over on it.</summary>
internal static class Fifo
{
    public static readonly TimeSpan Bounded = TimeSpan.FromSeconds(20);

    public static string Make(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", ["-m", "0644", path]) { RedirectStandardError = true })!;
        if (!mkfifo.WaitForExit(Bounded) || mkfifo.ExitCode != 0)
        {
            throw new InvalidOperationException($"mkfifo {path}: {mkfifo.StandardError.ReadToEnd()}");
        }

        return path;
    }

    /// <summary>Opens the write end (which waits for a reader, as the runner's does) and writes <paramref name="text"/>, or nothing, then closes it.</summary>
    public static async Task WriteAsync(string path, string text = "")
    {
        await using var pipe = await OpenWriterAsync(path);
        pipe.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The write end, once a reader has opened the other: open(2) waits for it, on a thread of its own.</summary>
    public static Task<FileStream> OpenWriterAsync(string path) => Task.Factory.StartNew(
        () => new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1),
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);
}
