using System.Text.Json.Nodes;

namespace Mlops.Functions.Tests;

/// <summary>A pre-started container's run, the test playing the runner on a real named pipe.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PooledRunTests : IDisposable
{
    private const string Manifest = """{"parameters": {"rows": {"type": "integer", "default": 3, "minimum": 1, "maximum": 10}}}""";
    private const string Nonce = "9f86d081884c7d659a2feaa0c55ad015";
    private const string Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private readonly TempFunction _function = new(Manifest, pooled: true);
    private readonly ConsoleTranscript _console = new();
    private readonly string? _invocationId = Environment.GetEnvironmentVariable("MLOPS_INVOCATION_ID");
    private readonly string? _traceparent = Environment.GetEnvironmentVariable("TRACEPARENT");

    public PooledRunTests()
    {
        Environment.SetEnvironmentVariable("MLOPS_INVOCATION_ID", null);
        Environment.SetEnvironmentVariable("TRACEPARENT", null);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("MLOPS_INVOCATION_ID", _invocationId);
        Environment.SetEnvironmentVariable("TRACEPARENT", _traceparent);
        _console.Dispose();
        _function.Dispose();
    }

    [Fact]
    public async Task RunAsync_Pooled_WaitsForTheLineThenRunsOnceWithItsEnvironmentAndEndsWithTheMarker()
    {
        var invocations = new List<(string? Id, string? Traceparent)>();
        var run = FunctionHost.RunAsync([], context =>
        {
            invocations.Add((Environment.GetEnvironmentVariable("MLOPS_INVOCATION_ID"), Environment.GetEnvironmentVariable("TRACEPARENT")));
            context.Log.Info("predicted");
            context.WriteResult(new JsonObject(), context.Parameters.ToJson(), new JsonObject());
        }, paths: _function.Paths);

        Assert.False(run.IsCompleted);
        Assert.Empty(invocations);
        // Staged only now, as the runner does: the parameters are read after the hand-over.
        _function.StageParameters("""{"rows": 4}""");
        await Fifo.WriteAsync(_function.Handover, $"inv-7 {Traceparent} {Nonce}\n").WaitAsync(Fifo.Bounded);

        Assert.Equal(0, await run.WaitAsync(Fifo.Bounded));
        Assert.Equal([("inv-7", Traceparent)], invocations);
        Assert.Equal("""{"rows":4}""", _function.Output("result.json")!["params"]!.ToJsonString());
        Assert.Equal($"predicted\nmlops-done {Nonce} 0\n", _console.Stdout);
        Assert.Equal($"mlops-done {Nonce} 0\n", _console.Stderr);
        Assert.Equal([$"out: mlops-done {Nonce} 0\n", "out: (flush)", $"err: mlops-done {Nonce} 0\n", "err: (flush)"], _console.Tail(4));
    }

    [Fact]
    public async Task RunAsync_PooledWithoutTraceparent_LeavesTraceparentUnset()
    {
        string? traceparent = "unread";
        var run = FunctionHost.RunAsync([], _ => traceparent = Environment.GetEnvironmentVariable("TRACEPARENT"), paths: _function.Paths);

        await Fifo.WriteAsync(_function.Handover, $"inv-7 - {Nonce}\n").WaitAsync(Fifo.Bounded);

        Assert.Equal(0, await run.WaitAsync(Fifo.Bounded));
        Assert.Null(traceparent);
    }

    [Theory]
    [InlineData("")]
    [InlineData("inv-7 - 9f86d081884c7d659a2feaa0c55ad015")]
    public async Task RunAsync_PooledReleasedUnused_ExitsZeroWithoutRunningWritingOrPrinting(string written)
    {
        var invoked = false;
        var run = FunctionHost.RunAsync([], _ => invoked = true, paths: _function.Paths);

        await Fifo.WriteAsync(_function.Handover, written).WaitAsync(Fifo.Bounded);

        Assert.Equal(0, await run.WaitAsync(Fifo.Bounded));
        Assert.False(invoked);
        Assert.False(Directory.Exists(_function.Paths.Output));
        Assert.Equal(("", ""), (_console.Stdout, _console.Stderr));
    }

    [Fact]
    public async Task RunAsync_PooledMalformedLine_FailsSayingWhyWithoutRunningOrMarker()
    {
        var invoked = false;
        var run = FunctionHost.RunAsync([], _ => invoked = true, paths: _function.Paths);

        await Fifo.WriteAsync(_function.Handover, "inv-7 -\n").WaitAsync(Fifo.Bounded);

        Assert.Equal(1, await run.WaitAsync(Fifo.Bounded));
        Assert.False(invoked);
        Assert.Equal(
            $"cannot take the invocation handed over on {_function.Handover}: the hand-over line has 2 field(s), not '<invocation-id> <traceparent-or-dash> <nonce>', three fields separated by single spaces\n",
            _console.Stderr);
        Assert.DoesNotContain("mlops-done", _console.Stdout);
    }

    [Fact]
    public async Task RunAsync_PooledFunctionError_WritesErrorJsonThenTheMarkerWithOne()
    {
        var run = FunctionHost.RunAsync([], _ => throw FunctionError.FailedPrecondition("invoke 'train' first"), paths: _function.Paths);

        await Fifo.WriteAsync(_function.Handover, $"inv-7 - {Nonce}\n").WaitAsync(Fifo.Bounded);

        Assert.Equal(1, await run.WaitAsync(Fifo.Bounded));
        Assert.Equal("FAILED_PRECONDITION", _function.Output("error.json")!["code"]!.GetValue<string>());
        Assert.Equal($"invoke 'train' first\nmlops-done {Nonce} 1\n", _console.Stderr);
        Assert.Equal($"mlops-done {Nonce} 1\n", _console.Stdout);
    }

    [Fact]
    public async Task RunAsync_ServeInAPooledContainer_DoesNotWaitForAHandover()
    {
        // No writer ever comes: a replica that waited would never end.
        Assert.NotEqual(0, await FunctionHost.RunAsync(["serve"], _ => { }, paths: _function.Paths).WaitAsync(Fifo.Bounded));
        Assert.DoesNotContain("mlops-done", _console.Stdout);
    }
}
