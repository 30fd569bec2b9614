using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Mlops.Keys;
using Mlops.ServiceDefaults.Security;
using Mlops.Gateway.Forwarding;
using Mlops.Gateway.Serving;
using Wire = Mlops.V1;

namespace Mlops.Gateway.Tests.DataPlane;

/// <summary>The gateway as a watcher: a watch the runner ends for falling behind is followed again from its snapshot.</summary>
public sealed class ReplicaDirectoryTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("mlops-directory-test-");

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task WatchEndedForFallingBehind_IsFollowedAgainFromTheSnapshot_WhichDropsWhatWasDeletedMeanwhile()
    {
        // First watch: a and b, then a change to c, then the runner ends it (the deletion of a was never sent).
        // Second watch: the snapshot names only b.
        var runner = new FakeWatches(
            [Snapshot("a"), Snapshot("b"), Done(), Change("c"), null],
            [Snapshot("b"), Done()]);
        var directory = new ReplicaDirectory(runner, new ServiceCredentials(new AuthOptions { DataPath = _data.FullName }), NullLogger<ReplicaDirectory>.Instance);
        using var stop = new CancellationTokenSource(Bound);

        await directory.StartAsync(stop.Token);
        try
        {
            await runner.SecondWatchStarted.Task.WaitAsync(Bound);
            while (true)
            {
                var changed = directory.Changed;
                if (directory.Connected && directory.Find("a") is null)
                {
                    break;
                }

                await changed.WaitAsync(Bound);
            }

            Assert.Equal(["b"], directory.Tables.Select(r => r.Name));
        }
        finally
        {
            await stop.CancelAsync();
            await directory.StopAsync(CancellationToken.None);
        }
    }

    private static Wire.EndpointEvent Snapshot(string name) => new() { Endpoint = Endpoint(name), Snapshot = true };

    private static Wire.EndpointEvent Change(string name) => new() { Endpoint = Endpoint(name) };

    private static Wire.EndpointEvent Done() => new() { SnapshotDone = true };

    private static Wire.Endpoint Endpoint(string name) => new()
    {
        Name = name, ModelName = "m", State = Wire.EndpointState.Ready,
        Replicas = { new Wire.Replica { Id = $"{name}-1", State = Wire.ReplicaState.Ready, Address = "unix:/nonexistent/replica.sock", ModelVersion = "1", Concurrency = 4 } },
    };

    /// <summary>The runner's side of WatchEndpoints: each call plays the next script; a null ends it with Aborted, the end of a script waits.</summary>
    private sealed class FakeWatches(params Wire.EndpointEvent?[][] scripts) : Wire.Endpoints.EndpointsClient
    {
        private int _calls;

        public TaskCompletionSource SecondWatchStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override AsyncServerStreamingCall<Wire.EndpointEvent> WatchEndpoints(Wire.WatchEndpointsRequest request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default)
        {
            var call = _calls++;
            if (call == 1)
            {
                SecondWatchStarted.TrySetResult();
            }

            var script = call < scripts.Length ? scripts[call] : [];
            return new AsyncServerStreamingCall<Wire.EndpointEvent>(
                new Script(script, cancellationToken), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }
    }

    private sealed class Script(Wire.EndpointEvent?[] events, CancellationToken cancellationToken) : IAsyncStreamReader<Wire.EndpointEvent>
    {
        private int _next = -1;

        public Wire.EndpointEvent Current => events[_next]!;

        public async Task<bool> MoveNext(CancellationToken token)
        {
            if (++_next < events.Length)
            {
                return events[_next] is not null ? true : throw new RpcException(new Status(StatusCode.Aborted, "the watch fell behind"));
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
            await Task.Delay(Timeout.Infinite, either.Token);
            return false;
        }
    }
}
