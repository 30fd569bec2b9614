extern alias runner;

using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Mlops.V1;
using Labels = runner::Mlops.Runner.Labels;
using WarmPool = runner::Mlops.Runner.Invocations.Pooling.WarmPool;

namespace Mlops.Runner.IntegrationTests;

/// <summary>
/// The warm pool on the real engine, with `pool-snoop`: a pooled shell function that reports what it can see of
/// other invocations and plants its own secret where a reused container would give it away. Its pool holds up to
/// 3 containers and empties after 4 s without a call.
/// </summary>
public sealed class WarmPoolTests : IAsyncLifetime
{
    private const string Function = "pool-snoop";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private RunnerHost _host = null!;

    public async Task InitializeAsync() => _host = await RunnerHost.StartAsync();

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
    }

    private WarmPool Pool => _host.Services.GetRequiredService<WarmPool>();

    [Fact]
    public async Task PooledInvocations_EachSeeOnlyTheirOwnFiles_InAContainerNoOtherInvocationHad()
    {
        var first = await InvokeAsync("cold-secret");
        Assert.False(first.Call.Completed.Pooled);
        Assert.Equal("", first.Data["pooled"]!.GetValue<string>());

        var calls = new List<(InvokeCall Call, JsonObject Data, string Secret)>();
        for (var i = 0; i < 20; i++)
        {
            await ReadyAsync();
            var secret = $"secret-{i}-{Guid.NewGuid():N}";
            var (call, data) = await InvokeAsync(secret);
            calls.Add((call, data, secret));
        }

        foreach (var (call, data, secret) in calls)
        {
            Assert.Equal(InvocationStatus.Succeeded, call.Completed.Status);
            Assert.True(call.Completed.Pooled, $"invocation {call.InvocationId} was not pooled");
            Assert.Equal("yes", data["pooled"]!.GetValue<string>());
            Assert.Equal(call.InvocationId, data["invocation_id"]!.GetValue<string>());
            Assert.Equal(secret, data["secret"]!.GetValue<string>());
            // Nobody else's secret, and nothing in output or /tmp but what it made itself: a fresh container each time.
            Assert.Equal("", data["found"]!.GetValue<string>());
            Assert.Equal("", data["output"]!.GetValue<string>());
            Assert.Equal("", data["tmp"]!.GetValue<string>());
            Assert.Equal(".handover params.json", data["input"]!.GetValue<string>());
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", data["traceparent"]!.GetValue<string>());
            Assert.Contains(call.Logs, l => l.Line == $"snooped as {call.InvocationId}");
            Assert.DoesNotContain(call.Logs, l => l.Line.Contains("mlops-done", StringComparison.Ordinal));
            Assert.Equal(TimeSpan.Zero, call.Completed.Phases.Create.ToTimeSpan());
        }

        Assert.Equal(21, calls.Select(c => c.Data["hostname"]!.GetValue<string>()).Append(first.Data["hostname"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task APooledContainer_IsHardenedAsAColdOne_AndItsInputPipeIsNotItsToWrite()
    {
        await InvokeAsync("warm-up");
        await ReadyAsync();
        var waiting = (await _host.ContainersAsync()).First(c => c.Labels.ContainsKey(Labels.Pool) && c.State == "running");
        var inspected = await _host.Docker.Containers.InspectContainerAsync(waiting.ID);

        Assert.Equal("none", inspected.HostConfig.NetworkMode);
        Assert.True(inspected.HostConfig.ReadonlyRootfs);
        Assert.Equal(["ALL"], inspected.HostConfig.CapDrop);
        Assert.Equal("10001:10001", inspected.Config.User);
        Assert.Equal(Function, inspected.Config.Labels[Labels.Function]);
        Assert.Equal(_host.InstanceName, inspected.Config.Labels[Labels.Runner]);
        Assert.DoesNotContain(inspected.Config.Env, e => e.StartsWith("MLOPS_INVOCATION_ID=", StringComparison.Ordinal));
        Assert.Equal(2, inspected.Mounts.Count);

        var (call, data) = await InvokeAsync("hardened");
        Assert.True(call.Completed.Pooled);
        Assert.Equal(10001, data["uid"]!.GetValue<int>());
        Assert.Equal("0000000000000000", data["capeff"]!.GetValue<string>());
        Assert.Equal("lo", data["interfaces"]!.GetValue<string>());
        Assert.False(data["root_writable"]!.GetValue<bool>());
        Assert.False(data["input_writable"]!.GetValue<bool>());
        Assert.False(data["handover_writable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AnIdlePool_EmptiesAfterItsIdleTime_AndStoppingTheRunnerLeavesNothing()
    {
        await InvokeAsync("once");
        await ReadyAsync();

        // idleSeconds is 4: the pool is empty again well within the bound, every container removed.
        Assert.True(await _host.WaitForNoContainersAsync(Bound));
        Assert.Empty(Pool.Snapshot());

        await InvokeAsync("again");
        await ReadyAsync();
        var data = _host.DataDirectory;
        await _host.StopAsync();
        Assert.Empty(await _host.ContainersOnTheEngineAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(data, "invocations")));
    }

    [Fact]
    public async Task AChangedFunction_IsNeverServedByContainersOfItsOldImage()
    {
        var (before, _) = await InvokeAsync("old");
        await ReadyAsync();
        var oldImage = await ImageOfAsync(before);

        await File.AppendAllTextAsync(Path.Combine(_host.FunctionsDirectory, Function, "run.sh"), "\n# changed\n");
        var (changed, _) = await InvokeAsync("new");

        var newImage = await ImageOfAsync(changed);
        Assert.NotEqual(oldImage, newImage);
        Assert.False(changed.Completed.Pooled);
        // The old image's containers go unclaimed; the pool fills again with the new one, which takes the next call.
        await Eventually.HoldsAsync(async () => (await _host.ContainersAsync()).All(c => c.Image == newImage), Bound);
        await ReadyAsync();
        var (after, _) = await InvokeAsync("newer");
        Assert.True(after.Completed.Pooled);
        Assert.Equal(newImage, await ImageOfAsync(after));
    }

    [Fact]
    public async Task APooledCallsTimeout_CountsFromItsClaim_NotFromTheContainersStart()
    {
        // pool-snoop with a 2 s timeout, whose pooled containers wait longer than that before their call comes.
        var function = _host.AddUniqueFunction(Function, "pool-timeout");
        var manifest = Path.Combine(_host.FunctionsDirectory, function, "function.json");
        var declared = JsonNode.Parse(await File.ReadAllTextAsync(manifest))!.AsObject();
        declared["timeoutSeconds"] = 2;
        declared["pool"]!["idleSeconds"] = 60;
        await File.WriteAllTextAsync(manifest, declared.ToJsonString());

        await InvokeAsync("cold", function);
        await ReadyAsync(function);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var (waited, _) = await InvokeAsync("waited", function);
        Assert.True(waited.Completed.Pooled);

        await ReadyAsync(function);
        var slow = await InvokeCall.RunAsync(_host.Client, function, InvokeCall.Parameters("""{"secret": "slow", "sleep": 10}"""));
        Assert.True(slow.Completed.Pooled);
        Assert.Equal(InvocationStatus.TimedOut, slow.Completed.Status);
        Assert.InRange(slow.Completed.Phases.Run.ToTimeSpan(), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(9));
    }

    private async Task<(InvokeCall Call, JsonObject Data)> InvokeAsync(string secret, string function = Function)
    {
        var call = await InvokeCall.RunAsync(_host.Client, function, InvokeCall.Parameters($$"""{"secret": "{{secret}}"}"""));
        Assert.Null(call.Error);
        var result = call.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result;
        return (call, JsonNode.Parse(JsonFormatter.Default.Format(result.Data))!.AsObject());
    }

    private async Task<string> ImageOfAsync(InvokeCall call) =>
        (await _host.Client.GetInvocationAsync(new GetInvocationRequest { Id = call.InvocationId })).Image;

    /// <summary>Waits until the function's pool has a container waiting for its hand-over.</summary>
    private async Task ReadyAsync(string function = Function) =>
        await Eventually.HoldsAsync(() => Task.FromResult(Pool.Snapshot().Any(p => p.Function == function && p.Ready > 0)), Bound);
}
