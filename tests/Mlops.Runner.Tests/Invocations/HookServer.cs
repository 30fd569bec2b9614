using System.Net;
using Mlops.Testing;

namespace Mlops.Runner.Tests.Invocations;

/// <summary>A real HTTP server on loopback that answers every request with one status, counting what it got.</summary>
internal sealed class HookServer : LoopbackHttpServer
{
    private readonly HttpStatusCode _status;
    private readonly string? _location;
    private int _requests;

    private HookServer(HttpStatusCode status, string? location)
    {
        _status = status;
        _location = location;
        Start();
    }

    public int Requests => Volatile.Read(ref _requests);

    public static Task<HookServer> StartAsync(HttpStatusCode status, string? location = null) => Task.FromResult(new HookServer(status, location));

    protected override Task AnswerAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        context.Response.StatusCode = (int)_status;
        if (_location is not null)
        {
            context.Response.RedirectLocation = _location;
        }

        return Task.CompletedTask;
    }
}
