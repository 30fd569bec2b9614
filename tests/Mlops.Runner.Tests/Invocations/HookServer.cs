using System.Net;
using System.Net.Sockets;

namespace Mlops.Runner.Tests.Invocations;

/// <summary>A real HTTP server on loopback that answers every request with one status, counting what it got.</summary>
internal sealed class HookServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpStatusCode _status;
    private readonly string? _location;
    private readonly Task _serving;
    private int _requests;

    private HookServer(int port, HttpStatusCode status, string? location)
    {
        Port = port;
        _status = status;
        _location = location;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }

    public int Requests => Volatile.Read(ref _requests);

    public static Task<HookServer> StartAsync(HttpStatusCode status, string? location = null) => Task.FromResult(new HookServer(FreePort(), status, location));

    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        await _serving.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                // Closed: the test is over.
                return;
            }

            Interlocked.Increment(ref _requests);
            context.Response.StatusCode = (int)_status;
            if (_location is not null)
            {
                context.Response.RedirectLocation = _location;
            }

            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
