using System.Formats.Tar;
using System.Globalization;
using System.Text;

namespace Mlops.Runner.Containers.Swarm;

/// <summary>
/// A task's folders without host bind mounts. A read-only folder travels in: the runner tars it and cuts the tar into
/// swarm configs (the managers hand them to whichever node runs the task), and the task unpacks them into a tmpfs at
/// the folder's place before the function starts. The writable folder travels back: after the function, the task
/// prints it as a base64 tar between two lines carrying a nonce, on its own stdout, which the runner reads with the
/// task's logs, cuts out of them, and unpacks (regular files and folders only) into the host folder.
/// </summary>
internal static class TaskFiles
{
    /// <summary>Under the 500 KB a swarm config may hold.</summary>
    public const int PieceBytes = 480 * 1024;

    public const string PiecesRoot = "/mlops/.pieces";

    /// <summary>The tar of <paramref name="folder"/>, cut into pieces of at most <see cref="PieceBytes"/>.</summary>
    public static async Task<List<byte[]>> PackAsync(string folder, long maxBytes, CancellationToken cancellationToken)
    {
        using var tar = new MemoryStream();
        await TarFile.CreateFromDirectoryAsync(folder, tar, includeBaseDirectory: false, cancellationToken);
        if (tar.Length > maxBytes)
        {
            throw new RunnerException(ErrorKind.FailedPrecondition,
                $"the task's input ({tar.Length / (1024 * 1024)} MB) is larger than the Swarm backend carries (Swarm:MaxInputMb, {maxBytes / (1024 * 1024)} MB)");
        }

        var all = tar.GetBuffer();
        var pieces = new List<byte[]>();
        for (var offset = 0; offset < tar.Length; offset += PieceBytes)
        {
            pieces.Add(all.AsSpan(offset, (int)Math.Min(PieceBytes, tar.Length - offset)).ToArray());
        }

        return pieces;
    }

    /// <summary>Where piece <paramref name="piece"/> of the <paramref name="folder"/>-th read-only folder appears in the task.</summary>
    public static string PiecePath(int folder, int piece) => string.Create(CultureInfo.InvariantCulture, $"{PiecesRoot}/{folder}/{piece:D5}");

    /// <summary>
    /// The shell the task runs: unpack the inputs, cap file sizes, run the function's own argv (given after the script
    /// as "$@"), then print the output folder and leave with the function's exit code; with no output folder (a
    /// replica), the function replaces the shell.
    /// </summary>
    public static string Script(IReadOnlyList<string> inputs, string? output, string nonce, long maxFileBytes)
    {
        var script = new StringBuilder();
        for (var i = 0; i < inputs.Count; i++)
        {
            script.Append(CultureInfo.InvariantCulture, $"cat {PiecesRoot}/{i}/* | tar -x -f - -C {inputs[i]} || exit 125\n");
        }

        // 512-byte blocks: no file the function writes may pass the output limit (the local engine's RLIMIT_FSIZE).
        script.Append(CultureInfo.InvariantCulture, $"ulimit -f {Math.Max(1, maxFileBytes / 512)}\n");
        if (output is null)
        {
            // Nothing to print after it: the function takes the shell's place, and a stop's SIGTERM reaches it.
            script.Append("exec \"$@\"\n");
            return script.ToString();
        }

        script.Append("\"$@\"\ncode=$?\n");
        script.Append(CultureInfo.InvariantCulture, $"echo '{BeginLine(nonce)}'\ntar -c -f - -C {output} . | base64\necho '{EndLine(nonce)}'\n");
        script.Append("exit $code\n");
        return script.ToString();
    }

    public static string BeginLine(string nonce) => $"mlops-output {nonce}";

    public static string EndLine(string nonce) => $"mlops-output-end {nonce}";

    /// <summary>
    /// Finds the output block in a task's stdout: where it starts and ends (to cut it out of the log) and the tar it
    /// carried; null when the task never printed a whole block (it was killed, or died first).
    /// </summary>
    public static (int Start, int End, byte[] Tar)? FindOutput(ReadOnlySpan<byte> stdout, string nonce)
    {
        var beginLine = Encoding.ASCII.GetBytes(BeginLine(nonce) + "\n");
        var endLine = Encoding.ASCII.GetBytes(EndLine(nonce) + "\n");
        var begin = stdout.LastIndexOf(beginLine);
        if (begin < 0)
        {
            return null;
        }

        var payloadStart = begin + beginLine.Length;
        var length = stdout[payloadStart..].IndexOf(endLine);
        if (length < 0)
        {
            return null;
        }

        var payload = Encoding.ASCII.GetString(stdout.Slice(payloadStart, length)).Replace("\n", "", StringComparison.Ordinal);
        return (begin, payloadStart + length + endLine.Length, Convert.FromBase64String(payload));
    }

    /// <summary>
    /// Unpacks a task's output tar into <paramref name="folder"/>: regular files and folders only (a link could point
    /// anywhere on the runner's host), no path outside the folder, at most the output limits. Returns what it left out.
    /// </summary>
    public static async Task<IReadOnlyList<string>> UnpackAsync(byte[] tar, string folder, long maxBytes, int maxFiles, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(folder);
        var skipped = new List<string>();
        long bytes = 0;
        var files = 0;
        await using var reader = new TarReader(new MemoryStream(tar));
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            var name = entry.Name;
            while (name.StartsWith("./", StringComparison.Ordinal))
            {
                name = name[2..];
            }

            name = name.TrimStart('/');
            if (name is "" or ".")
            {
                continue;
            }

            var target = Path.GetFullPath(Path.Combine(root, name));
            var inside = target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            var kind = entry.EntryType;
            if (!inside || kind is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.Directory)
                || ++files > maxFiles || (bytes += entry.Length) > maxBytes)
            {
                skipped.Add(entry.Name);
                continue;
            }

            if (kind == TarEntryType.Directory)
            {
                Directory.CreateDirectory(target);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using var file = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            if (entry.DataStream is { } data)
            {
                await data.CopyToAsync(file, cancellationToken);
            }
        }

        return skipped;
    }
}
