using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Mlops.Keys;
using Mlops.Runner.Tests.Fakes;
using Mlops.ServiceDefaults.Security;

namespace Mlops.Runner.Tests.Grpc;

/// <summary>What a server-streaming method wrote, in order.</summary>
internal sealed class RecordingStreamWriter<T> : IServerStreamWriter<T>
{
    private readonly List<T> _written = [];

    public IReadOnlyList<T> Written => _written;

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _written.Add(message);
        return Task.CompletedTask;
    }
}

internal static class Calls
{
    /// <summary>A call authenticated with key <paramref name="keyId"/> of <paramref name="role"/>, as Callers reads it.</summary>
    public static ServerCallContext By(string keyId, string role, CancellationToken cancellationToken = default)
    {
        var context = new FakeServerCallContext(cancellationToken);
        var identity = new ClaimsIdentity([new Claim(ApiKeyAuthenticationHandler.KeyIdClaim, keyId), new Claim(ClaimTypes.Role, role)], "test");
        // Where Grpc.AspNetCore's GetHttpContext looks for a call made outside a server.
        context.UserState["__HttpContext"] = new DefaultHttpContext { User = new ClaimsPrincipal(identity) };
        return context;
    }

    public static ServerCallContext ByDeveloper(CancellationToken cancellationToken = default) => By("key-dev", Roles.Developer, cancellationToken);
}

internal sealed class FakeLifetime : Microsoft.Extensions.Hosting.IHostApplicationLifetime
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => CancellationToken.None;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication() => _stopping.Cancel();
}
