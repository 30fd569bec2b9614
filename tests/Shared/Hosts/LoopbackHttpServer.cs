using System.Net;
using System.Net.Sockets;

namespace Mlops.Testing;

/// <summary>A real HTTP server on a free loopback port; each request is answered by <see cref="AnswerAsync"/> until disposed.</summary>
internal abstract class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private Task _serving = Task.CompletedTask;

    protected LoopbackHttpServer()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Address = new Uri($"http://127.0.0.1:{Port}/");
        _listener.Prefixes.Add(Address.ToString());
    }

    public int Port { get; }

    public Uri Address { get; }

    /// <summary>Starts listening; called by the subclass once it is ready to answer.</summary>
    protected void Start()
    {
        _listener.Start();
        _serving = ServeAsync();
    }

    /// <summary>Answers one request; the response is closed after it.</summary>
    protected abstract Task AnswerAsync(HttpListenerContext context);

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

            await AnswerAsync(context);
            context.Response.Close();
        }
    }
}
