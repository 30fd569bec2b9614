namespace Mlops.Cli.Connection;

/// <summary>Where the CLI sends its calls: <c>--url</c>, else <c>MLOPS_URL</c>, else NGINX's gRPC port.</summary>
internal static class ServerAddress
{
    public const string Default = "http://127.0.0.1:8081";

    public const string EnvironmentVariable = "MLOPS_URL";

    /// <exception cref="CliException">The address is not an http(s) URL or host:port.</exception>
    public static Uri Resolve(string? flag, string? environment)
    {
        var text = !string.IsNullOrWhiteSpace(flag) ? flag.Trim()
            : !string.IsNullOrWhiteSpace(environment) ? environment.Trim()
            : Default;
        // "127.0.0.1:8081" is how the README names the port; gRPC over cleartext HTTP/2 is http://.
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw new CliException($"'{text}' is not a server address: give http://host:port (--url or ${EnvironmentVariable})");
        }

        return uri;
    }
}
