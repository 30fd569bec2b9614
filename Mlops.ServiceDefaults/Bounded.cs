namespace Mlops.ServiceDefaults;

/// <summary>
/// Strings from outside (a parameter name, a function's stderr line, a model version) that end up in a
/// status, a trailer, a log line or a span. HTTP/2 peers drop the whole connection over a large trailer
/// (64 KiB in .NET's client), cutting every call in flight on it; nothing a caller sends may get near that.
/// </summary>
public static class Bounded
{
    /// <summary>Long enough for any sentence we write with a name or two in it.</summary>
    public const int MessageLength = 1_000;

    /// <summary>For names and values quoted inside a message.</summary>
    public const int NameLength = 100;

    public static string Text(string? text, int maxLength = MessageLength) =>
        text is null ? "" : text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength - 1), "…");
}
