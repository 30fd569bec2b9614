namespace Mlops.AppHost.Hosting;

/// <summary>A named endpoint a resource listens on; always on loopback.</summary>
public sealed record Endpoint(string Name, int Port, bool Http2)
{
    public string Url => $"http://127.0.0.1:{Port}";
}
