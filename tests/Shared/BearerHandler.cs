namespace Mlops.Testing;

/// <summary>Sends an API key with every request, as a client configured with one does.</summary>
public sealed class BearerHandler(string? key) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (key is not null && request.Headers.Authorization is null)
        {
            request.Headers.Authorization = new("Bearer", key);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>A client of <paramref name="baseAddress"/> that sends <paramref name="key"/> (none when null); the caller disposes it.</summary>
    public static HttpClient Client(string baseAddress, string? key, TimeSpan? timeout = null) =>
        new(new BearerHandler(key)) { BaseAddress = new Uri(baseAddress), Timeout = timeout ?? TimeSpan.FromMinutes(3) };

    /// <summary>The first admin key a runner (or the AppHost) wrote under its data folder.</summary>
    public static string AdminKeyIn(string dataDirectory) => File.ReadAllText(Path.Combine(dataDirectory, "secrets", "admin.key")).Trim();
}
