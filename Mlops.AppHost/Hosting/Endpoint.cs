namespace Mlops.AppHost.Hosting;

/// <summary>
/// A named endpoint a resource listens on; always on loopback. A container's is published there from its
/// <paramref name="TargetPort"/> inside the container.
/// </summary>
public sealed record Endpoint(string Name, int Port, bool Http2, int? TargetPort = null)
{
    public string Url => $"http://127.0.0.1:{Port}";
}
