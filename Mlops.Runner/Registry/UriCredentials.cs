namespace Mlops.Runner.Registry;

/// <summary>URIs with credentials in them (scheme://user:password@host) are refused where configured, and redacted wherever a peer's shows.</summary>
public static class UriCredentials
{
    /// <summary>The text with any user information after "scheme://" replaced by "***": safe for a log, a status or a trace.</summary>
    public static string Redact(string text)
    {
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return text;
        }

        var authorityStart = scheme + 3;
        var authorityEnd = text.IndexOfAny(['/', '?', '#'], authorityStart);
        var authority = authorityEnd < 0 ? text[authorityStart..] : text[authorityStart..authorityEnd];
        var at = authority.LastIndexOf('@');
        return at < 0 ? text : string.Concat(text.AsSpan(0, authorityStart), "***", text.AsSpan(authorityStart + at));
    }
}
