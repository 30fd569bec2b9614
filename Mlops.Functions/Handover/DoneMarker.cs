using System.Globalization;

namespace Mlops.Functions.Handover;

/// <summary>
/// The last words of a pooled invocation, <c>mlops-done &lt;nonce&gt; &lt;exit-code&gt;</c>: the runner ends the invocation
/// once it has seen them on both streams, since a pooled container's streams say nothing else about its end.
/// </summary>
internal static class DoneMarker
{
    public static string Text(string nonce, int exitCode) =>
        string.Create(CultureInfo.InvariantCulture, $"mlops-done {nonce} {exitCode}\n");

    /// <summary>
    /// Writes the marker on stdout, then on stderr, each flushed: everything the invocation printed is out before
    /// it. No newline comes first, since the runner also takes the marker at the end of an unfinished line.
    /// </summary>
    public static void Write(string nonce, int exitCode)
    {
        var marker = Text(nonce, exitCode);
        Console.Out.Flush();
        Console.Error.Flush();
        Console.Out.Write(marker);
        Console.Out.Flush();
        Console.Error.Write(marker);
        Console.Error.Flush();
    }
}
