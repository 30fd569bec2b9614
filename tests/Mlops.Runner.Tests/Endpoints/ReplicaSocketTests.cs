using System.Net.Sockets;
using Mlops.ServiceDefaults.Replicas;

namespace Mlops.Runner.Tests.Endpoints;

/// <summary>Real unix sockets in a run folder owned, as the runner makes it, by the replica's uid (the tests run as root).</summary>
public sealed class ReplicaSocketTests : IDisposable
{
    private const int ReplicaUid = 10001;
    private readonly string _folder = Directory.CreateTempSubdirectory("mlops-socket-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Connect_ToASocketOwnedByTheReplica_GoesThrough()
    {
        using var listener = Listen(Path.Combine(_folder, "replica.sock"), ReplicaUid);
        using var http = Client();

        var sending = http.GetAsync("health");
        using var accepted = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(accepted.Connected);
    }

    [Theory]
    [InlineData("a socket of another uid")]
    [InlineData("a regular file")]
    [InlineData("a link to a socket")]
    public async Task Connect_ToSomethingElseInTheSocketsPlace_IsRefusedWithoutConnecting(string what)
    {
        var path = Path.Combine(_folder, "replica.sock");
        var elsewhere = Directory.CreateTempSubdirectory("mlops-socket-elsewhere-").FullName;
        try
        {
            using var listener = what switch
            {
                "a socket of another uid" => Listen(path, 0),
                "a link to a socket" => Listen(Path.Combine(elsewhere, "docker.sock"), ReplicaUid),
                _ => null,
            };
            if (what == "a link to a socket")
            {
                File.CreateSymbolicLink(path, Path.Combine(elsewhere, "docker.sock"));
            }
            else if (what == "a regular file")
            {
                File.WriteAllText(path, "");
                Chown(path, ReplicaUid);
            }

            using var http = Client();
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("health"));
            var acceptedAnyone = listener is not null && listener.Poll(0, SelectMode.SelectRead);

            Assert.False(acceptedAnyone);
            Assert.Contains("not connecting", error.InnerException?.Message ?? error.Message);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    private HttpClient Client()
    {
        Chown(_folder, ReplicaUid);
        var address = ReplicaAddress.ForUnixSocket(Path.Combine(_folder, "replica.sock"));
        return new HttpClient(ReplicaAddress.CreateHandler(address)) { BaseAddress = ReplicaAddress.BaseUri(address), Timeout = TimeSpan.FromSeconds(10) };
    }

    private static Socket Listen(string path, int owner)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen();
        Chown(path, owner);
        return socket;
    }

    private static void Chown(string path, int owner)
    {
        using var chown = System.Diagnostics.Process.Start("chown", ["-h", $"{owner}:{owner}", path]);
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }
}
