using System.Text.Json;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

[Collection(RunnerCollection.Name)]
public sealed class InvokeTests(RunnerFixture fixture)
{
    private RunnerHost Host => fixture.Host;

    [Fact]
    public async Task Invoke_Echo_StreamsEventsInOrderAndReturnsResultWithDefaults()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "echo", InvokeCall.Parameters("""{"count": 3, "features": [5.1, 3.5, 1.4, 0.2]}"""));

        Assert.Null(call.Error);
        var kinds = call.Events.Select(e => e.EventCase).Where(k => k is not InvokeEvent.EventOneofCase.BuildLog).Distinct().ToList();
        Assert.Equal(
            [InvokeEvent.EventOneofCase.Accepted, InvokeEvent.EventOneofCase.Image, InvokeEvent.EventOneofCase.ContainerStarted,
             InvokeEvent.EventOneofCase.Log, InvokeEvent.EventOneofCase.Result, InvokeEvent.EventOneofCase.Completed],
            kinds);
        var result = call.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result;
        Assert.Equal("hello", result.Data.Fields["message"].StringValue);
        Assert.Equal(3, result.Data.Fields["count"].NumberValue);
        Assert.Equal(4, result.Data.Fields["features"].ListValue.Values.Count);
        Assert.Equal(42, result.Metrics.Fields["answer"].NumberValue);
        Assert.Contains(call.Logs, l => l.Stream == LogStream.Stdout && l.Line.Contains($"invocation {call.InvocationId} of echo as uid 10001"));
        Assert.Contains(call.Logs, l => l.Stream == LogStream.Stderr && l.Line == "to stderr");
        Assert.Equal(InvocationStatus.Succeeded, call.Completed.Status);
        Assert.Equal(0, call.Completed.ExitCode);
        Assert.True(call.Completed.Phases.Total.ToTimeSpan() >= call.Completed.Phases.Run.ToTimeSpan());
        Assert.Empty(await Host.ContainersAsync(call.InvocationId));
    }

    [Fact]
    public async Task Invoke_InspectSelf_RunsHardenedWithOnlyItsTwoMounts()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "inspect-self");

        Assert.Null(call.Error);
        var seen = call.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result.Data.Fields;
        Assert.Equal(10001, seen["uid"].NumberValue);
        Assert.Equal("0000000000000000", seen["capeff"].StringValue);
        Assert.Equal("1", seen["no_new_privs"].StringValue);
        Assert.Equal("lo", seen["interfaces"].StringValue);
        Assert.False(seen["root_writable"].BoolValue);
        Assert.True(seen["tmp_writable"].BoolValue);
        Assert.False(seen["input_writable"].BoolValue);
        Assert.True(seen["output_writable"].BoolValue);
        Assert.True(seen["params_readable"].BoolValue);
        Assert.False(seen["docker_socket"].BoolValue);
        Assert.Equal((48L * 1024 * 1024).ToString(), seen["memory_limit"].StringValue);
        Assert.Equal("256", seen["pids_limit"].StringValue);
        Assert.Equal((2048L * 1024 * 1024).ToString(), seen["file_size_limit"].StringValue);
        Assert.Equal(call.InvocationId, seen["invocation_id"].StringValue);
        Assert.Equal("inspect-self", seen["function"].StringValue);
    }

    [Fact]
    public async Task Invoke_PrintSleepPrint_DeliversFirstLineBeforeTheContainerEnds()
    {
        using var call = Host.Client.Invoke(new InvokeRequest { Function = "print-sleep" }, deadline: DateTime.UtcNow + InvokeCall.DefaultBound);
        string? containerId = null;
        bool? runningWhenFirstArrived = null;
        string? engineLogLimit = null;
        var lines = new List<string>();
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            containerId ??= item.ContainerStarted?.ContainerId;
            if (item.EventCase == InvokeEvent.EventOneofCase.Log)
            {
                lines.Add(item.Log.Line);
                if (item.Log.Line == "first")
                {
                    // Whatever the load on this machine: the line is here while its container still runs.
                    var inspected = await Host.Docker.Containers.InspectContainerAsync(containerId!);
                    runningWhenFirstArrived = inspected.State.Running;
                    engineLogLimit = inspected.HostConfig.LogConfig.Config.TryGetValue("max-size", out var size) ? size : null;
                }
            }
        }

        Assert.True(runningWhenFirstArrived);
        Assert.Equal(["first", "second"], lines);
        // The engine took the capped log: a function printing without end cannot fill its disk.
        Assert.Equal("10m", engineLogLimit);
    }

    [Fact]
    public async Task Invoke_NonZeroExit_FailsWithInternalNamingTheExitCodeAndStderr()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "fail");

        Assert.Equal(StatusCode.Internal, call.Error?.StatusCode);
        Assert.Contains("exited with code 3", call.Error!.Status.Detail);
        Assert.Contains("something broke", call.Error.Status.Detail);
        Assert.Equal(InvocationStatus.Failed, call.Completed.Status);
        Assert.Equal(3, call.Completed.ExitCode);
        Assert.Equal("INTERNAL", call.Completed.ErrorCode);
        Assert.Empty(await Host.ContainersAsync(call.InvocationId));
    }

    [Fact]
    public async Task Invoke_RunsPastItsTimeout_IsKilledWithDeadlineExceeded()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "sleep-forever");

        Assert.Equal(StatusCode.DeadlineExceeded, call.Error?.StatusCode);
        Assert.Contains("timeout of 2 s", call.Error!.Status.Detail);
        Assert.Equal(InvocationStatus.TimedOut, call.Completed.Status);
        Assert.False(call.Completed.HasExitCode);
        Assert.Contains(call.Logs, l => l.Line == "going to sleep");
        Assert.Empty(await Host.ContainersAsync(call.InvocationId));
    }

    [Fact]
    public async Task Invoke_ExceedsItsMemoryLimit_IsReportedAsOutOfMemory()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "oom");

        Assert.Equal(StatusCode.ResourceExhausted, call.Error?.StatusCode);
        Assert.Contains("ran out of memory (limit 32 MB)", call.Error!.Status.Detail);
        Assert.Equal(InvocationStatus.OomKilled, call.Completed.Status);
        Assert.Empty(await Host.ContainersAsync(call.InvocationId));
    }

    [Fact]
    public async Task Invoke_FunctionReportsErrorJson_MapsToItsStatus()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "user-error");

        Assert.Equal(StatusCode.InvalidArgument, call.Error?.StatusCode);
        Assert.Equal("features: expected 4 numbers", call.Error!.Status.Detail);
        Assert.Equal(InvocationStatus.Failed, call.Completed.Status);
        Assert.Equal("INVALID_ARGUMENT", call.Completed.ErrorCode);
    }

    [Fact]
    public async Task Invoke_ClientCancelsMidStream_ContainerIsRemovedAndInvocationRecordedCancelled()
    {
        using var cancel = new CancellationTokenSource(InvokeCall.DefaultBound);
        using var call = Host.Client.Invoke(new InvokeRequest { Function = "sleep-long" }, cancellationToken: cancel.Token);
        string? invocationId = null;
        var sawStart = false;
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var item in call.ResponseStream.ReadAllAsync(cancel.Token))
            {
                invocationId ??= item.Accepted?.InvocationId;
                if (item.EventCase == InvokeEvent.EventOneofCase.Log && item.Log.Line == "sleeping")
                {
                    sawStart = true;
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
        Assert.True(sawStart);
        Assert.True(await Host.WaitForNoContainersAsync(TimeSpan.FromSeconds(30), invocationId), "the cancelled invocation's container still exists");
        var recorded = await WaitForFinishedAsync(invocationId!);
        Assert.Equal(InvocationStatus.Cancelled, recorded.Status);
    }

    [Fact]
    public async Task Invoke_Succeeded_IsInHistoryAndHasAFullLogFile()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "echo", InvokeCall.Parameters("""{"message": "kept"}"""));

        var recorded = await Host.Client.GetInvocationAsync(new GetInvocationRequest { Id = call.InvocationId });
        Assert.Equal(InvocationStatus.Succeeded, recorded.Status);
        Assert.Equal("echo", recorded.Function);
        Assert.Equal("kept", recorded.Result.Data.Fields["message"].StringValue);
        Assert.Equal(0, recorded.ExitCode);
        Assert.NotNull(recorded.EndTime);

        var listed = await Host.Client.ListInvocationsAsync(new ListInvocationsRequest { Function = "echo" });
        Assert.Equal(call.InvocationId, listed.Invocations[0].Id);
        // A list is of summaries: results stay on disk until one invocation is asked for.
        Assert.Null(listed.Invocations[0].Result);

        var expectedLog = Path.Combine(Host.LogsDirectory, $"echo-{call.InvocationId}.log");
        Assert.Equal(expectedLog, recorded.LogPath);
        var log = await File.ReadAllTextAsync(expectedLog);
        Assert.Contains("stdout | invocation", log);
        Assert.Contains("stderr | to stderr", log);
        Assert.Contains("completed: Succeeded, exit code 0", log);
    }

    private async Task<Invocation> WaitForFinishedAsync(string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var invocation = await Host.Client.GetInvocationAsync(new GetInvocationRequest { Id = id });
            if (invocation.EndTime is not null || DateTime.UtcNow > deadline)
            {
                return invocation;
            }

            await Task.Delay(100);
        }
    }
}
