using System.Text.Json.Nodes;
using Mlops.Runner.Containers;
using Mlops.Runner.Invocations;

namespace Mlops.Runner.Tests.Invocations;

/// <summary>The conductor's event order and teardown for every way an invocation can end, with no engine at all.</summary>
public sealed class InvocationConductorTests : IAsyncLifetime
{
    private readonly ConductorHarness _harness = new();

    private FakeEngineView Engine => new(_harness);

    [Fact]
    public async Task Invoke_Success_ReportsEveryStepInOrder_AndTearsDownOnce()
    {
        _harness.Engine.Output.Add((OutputStream.Stdout, "working\n"));
        _harness.Engine.Output.Add((OutputStream.Stderr, "a warning\n"));
        _harness.Engine.OnStart = spec => WriteOutput(spec, "result.json", """{"metrics": {"score": 1}, "data": {"answer": 42}}""");

        var (events, error) = await _harness.InvokeAsync("work", new JsonObject { ["count"] = 2 });

        Assert.Null(error);
        Assert.Equal(["Accepted", "ImageResolved", "ContainerStarted", "Log", "Log", "Result", "Completed"], ConductorHarness.Kinds(events));
        var result = Assert.IsType<InvocationResult>(events[^2]);
        Assert.Equal(42, result.Data["answer"]!.GetValue<int>());
        var completed = Assert.IsType<InvocationCompleted>(events[^1]);
        Assert.Equal((InvocationStatus.Succeeded, 0), (completed.Record.Status, completed.Record.ExitCode));
        Engine.TornDownOnce();
    }

    [Fact]
    public async Task Invoke_ImageBuilds_ReportsItsLinesBeforeTheImage()
    {
        _harness.Images.BuildLines.AddRange(["Step 1/2", "Step 2/2"]);

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Null(error);
        Assert.Equal(["Accepted", "BuildLog", "BuildLog", "BuildLog", "ImageResolved", "ContainerStarted", "Completed"], ConductorHarness.Kinds(events));
        Assert.False(Assert.IsType<InvocationImageResolved>(events[4]).CacheHit);
    }

    [Fact]
    public async Task Invoke_BuildFails_CompletesFailed_AndStartsNoContainer()
    {
        _harness.Images.BuildLines.Add("Step 1/2");
        _harness.Images.BuildFailure = RunnerException.FailedPrecondition("the build of 'work' failed: no such file");

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.FailedPrecondition, error?.Kind);
        Assert.Equal(["Accepted", "BuildLog", "BuildLog", "Completed"], ConductorHarness.Kinds(events));
        Assert.Equal(InvocationStatus.Failed, Assert.IsType<InvocationCompleted>(events[^1]).Record.Status);
        Assert.Equal(0, _harness.Engine.Created);
    }

    [Fact]
    public async Task Invoke_BadParameters_IsRefusedBeforeAnyEvent()
    {
        var (events, error) = await _harness.InvokeAsync("work", new JsonObject { ["count"] = 0 });

        Assert.Equal(ErrorKind.InvalidArgument, error?.Kind);
        Assert.Contains(error!.Violations, v => v.Field == "parameters.count");
        Assert.Empty(events);
        Assert.Equal(0, _harness.Engine.Created);
    }

    [Fact]
    public async Task Invoke_FunctionReportsErrorJson_FailsWithItsKind_AndTearsDownOnce()
    {
        _harness.Engine.ExitCode = 1;
        _harness.Engine.OnStart = spec => WriteOutput(spec, "error.json", """{"code": "INVALID_ARGUMENT", "message": "features must hold 4 numbers"}""");

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Equal((ErrorKind.InvalidArgument, "features must hold 4 numbers"), (error?.Kind, error?.Message));
        Assert.Equal(["Accepted", "ImageResolved", "ContainerStarted", "Completed"], ConductorHarness.Kinds(events));
        Engine.TornDownOnce();
    }

    [Fact]
    public async Task Invoke_NonZeroExit_FailsQuotingTheLastErrorLine()
    {
        _harness.Engine.ExitCode = 3;
        _harness.Engine.Output.Add((OutputStream.Stderr, "Unhandled exception: boom\n\n"));

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.FunctionFailed, error?.Kind);
        Assert.Equal("function 'work' exited with code 3: Unhandled exception: boom", error?.Message);
        Assert.Equal(3, Assert.IsType<InvocationCompleted>(events[^1]).Record.ExitCode);
        Engine.TornDownOnce();
    }

    [Fact]
    public async Task Invoke_OutOfMemory_EndsOomKilled()
    {
        (_harness.Engine.ExitCode, _harness.Engine.OomKilled) = (137, true);

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.ResourceExhausted, error?.Kind);
        Assert.Equal(InvocationStatus.OomKilled, Assert.IsType<InvocationCompleted>(events[^1]).Record.Status);
        Engine.TornDownOnce();
    }

    [Fact]
    public async Task Invoke_SigKilledWithoutTheEngineSeeingAnOomKill_StillEndsOomKilled()
    {
        // A shell's child killed by the kernel: the engine's OOMKilled flag is not always set for it.
        (_harness.Engine.ExitCode, _harness.Engine.OomKilled) = (137, false);

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.ResourceExhausted, error?.Kind);
        Assert.Contains("SIGKILL", error!.Message);
        Assert.Equal(InvocationStatus.OomKilled, Assert.IsType<InvocationCompleted>(events[^1]).Record.Status);
    }

    [Fact]
    public async Task Invoke_PastItsTimeout_IsKilledAndEndsTimedOut()
    {
        await using var harness = new ConductorHarness(timeoutSeconds: 1);
        harness.Engine.RunsUntilKilled = true;

        var (events, error) = await harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.DeadlineExceeded, error?.Kind);
        var completed = Assert.IsType<InvocationCompleted>(events[^1]);
        Assert.Equal((InvocationStatus.TimedOut, (int?)null), (completed.Record.Status, completed.Record.ExitCode));
        Assert.Equal(1, harness.Engine.Kills);
        new FakeEngineView(harness).TornDownOnce();
    }

    [Fact]
    public async Task Invoke_KillRefusedTwice_LikeAForkBomb_StillKillsRemovesAndReportsTheTimeout()
    {
        await using var harness = new ConductorHarness(timeoutSeconds: 1);
        harness.Engine.RunsUntilKilled = true;
        harness.Engine.KillFailures = 2;

        var (events, error) = await harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.DeadlineExceeded, error?.Kind);
        Assert.Equal(InvocationStatus.TimedOut, Assert.IsType<InvocationCompleted>(events[^1]).Record.Status);
        Assert.Equal((3, 1), (harness.Engine.KillAttempts, harness.Engine.Kills));
        new FakeEngineView(harness).TornDownOnce();
    }

    [Fact]
    public async Task Invoke_DiskNearlyFull_IsResourceExhaustedBeforeAnyContainer()
    {
        // More free space than any disk here has: the guard must refuse.
        await using var harness = new ConductorHarness(minFreeDiskMb: 10_000_000);

        var (events, error) = await harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.ResourceExhausted, error?.Kind);
        Assert.Contains("Runner:MinFreeDiskMb", error?.Message);
        Assert.Empty(events);
        Assert.Equal(0, harness.Engine.Created);
    }

    [Fact]
    public async Task Invoke_CallerCancels_KillsRemovesAndRecordsTheCancellation()
    {
        _harness.Engine.RunsUntilKilled = true;
        using var cancel = new CancellationTokenSource();
        var events = new List<InvocationEvent>();

        var error = await Assert.ThrowsAsync<RunnerException>(() => ReadAsync().WaitAsync(ConductorHarness.Bound));

        Assert.Equal(ErrorKind.Cancelled, error.Kind);
        Assert.Equal(["Accepted", "ImageResolved", "ContainerStarted"], ConductorHarness.Kinds(events));
        var id = Assert.IsType<InvocationAccepted>(events[0]).InvocationId;
        Assert.Equal(InvocationStatus.Cancelled, _harness.Store.Get(id).Status);
        Assert.Equal(1, _harness.Engine.Kills);
        Engine.TornDownOnce();

        async Task ReadAsync()
        {
            await foreach (var item in _harness.Conductor.InvokeAsync("work", [], cancel.Token))
            {
                events.Add(item);
                if (item is InvocationContainerStarted)
                {
                    await cancel.CancelAsync();
                }
            }
        }
    }

    [Fact]
    public async Task Invoke_CallerStopsReading_TearsDownAndRecordsTheCancellation()
    {
        _harness.Engine.RunsUntilKilled = true;
        string? id = null;

        await ReadUntilStartedAsync().WaitAsync(ConductorHarness.Bound);

        Assert.Equal(InvocationStatus.Cancelled, _harness.Store.Get(id).Status);
        Engine.TornDownOnce();

        async Task ReadUntilStartedAsync()
        {
            await foreach (var item in _harness.Conductor.InvokeAsync("work", [], CancellationToken.None))
            {
                id ??= (item as InvocationAccepted)?.InvocationId;
                if (item is InvocationContainerStarted)
                {
                    break;
                }
            }
        }
    }

    [Fact]
    public async Task Invoke_EngineFailsToStart_FailsUnavailableNamingTheEngine_AndRemovesTheContainer()
    {
        _harness.Engine.StartFailure = new RunnerException(ErrorKind.Unavailable, "the Docker engine at fake://engine is not reachable");

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.Unavailable, error?.Kind);
        Assert.Contains("fake://engine", error?.Message);
        Assert.Equal(["Accepted", "ImageResolved", "Completed"], ConductorHarness.Kinds(events));
        Engine.TornDownOnce();
    }

    [Fact]
    public async Task Invoke_EngineFailsToCreate_FailsUnavailable_AndLeavesNothingLive()
    {
        _harness.Engine.CreateFailure = new RunnerException(ErrorKind.Unavailable, "the Docker engine at fake://engine answered 500: no space left on device");

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.Unavailable, error?.Kind);
        Assert.Equal(InvocationStatus.Failed, Assert.IsType<InvocationCompleted>(events[^1]).Record.Status);
        Assert.Equal(0, _harness.Live.Count);
    }

    [Fact]
    public async Task Invoke_RemovalRefusedTwice_RetriesAndStillReportsTheRealOutcome()
    {
        _harness.Engine.RemoveFailures = 2;

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Null(error);
        Assert.Equal(InvocationStatus.Succeeded, Assert.IsType<InvocationCompleted>(events[^1]).Record.Status);
        Assert.Equal((3, 1), (_harness.Engine.RemoveAttempts, _harness.Engine.Removals));
        Assert.Empty(_harness.Engine.Existing);
    }

    [Fact]
    public async Task Invoke_RemovalRefusedThroughout_ReportsTheRealOutcome_AndLeavesTheContainerToTheJanitor()
    {
        _harness.Engine.RemoveFailures = int.MaxValue;

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Null(error);
        Assert.Equal(InvocationStatus.Succeeded, Assert.IsType<InvocationCompleted>(events[^1]).Record.Status);
        Assert.Single(_harness.Engine.Existing);
        Assert.Equal(0, _harness.Live.Count);
    }

    [Fact]
    public async Task Invoke_TrainingSucceeds_RecordsTheModelItLeft_AndSaysWhereItIs()
    {
        _harness.Engine.OnStart = spec =>
        {
            WriteOutput(spec, "result.json", """{"metrics": {"accuracy": 0.9}}""");
            WriteOutput(spec, "model/model.zip", "weights");
        };

        var (events, error) = await _harness.InvokeAsync("trainer");

        Assert.Null(error);
        var (context, result, files) = Assert.Single(_harness.Recorder.Successes);
        Assert.Equal("test_model", context.ModelName);
        Assert.Equal(["model.zip"], files);
        Assert.Equal(0.9, result.Metrics["accuracy"]!.GetValue<double>());
        var data = Assert.IsType<InvocationResult>(events[^2]).Data;
        Assert.Equal(("run-1", "models:/test_model/7"), (data["run_id"]!.GetValue<string>(), data["model_uri"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Invoke_CallerLeavesWhileTheModelIsRecorded_TheVersionIsStillRegistered()
    {
        using var caller = new CancellationTokenSource();
        _harness.Engine.OnStart = spec => WriteOutput(spec, "model/model.zip", "weights");
        _harness.Recorder.BeforeSuccess = async token =>
        {
            await caller.CancelAsync();
            await Task.Delay(200, token);
        };

        try
        {
            await ReadAllAsync().WaitAsync(ConductorHarness.Bound);
        }
        catch (RunnerException ex) when (ex.Kind == ErrorKind.Cancelled)
        {
            // The caller did leave; what matters is what was recorded.
        }

        await ConductorHarness.WaitUntilAsync(() => _harness.Recorder.Successes.Count == 1);
        Assert.Empty(_harness.Recorder.Failures);

        async Task ReadAllAsync()
        {
            await foreach (var _ in _harness.Conductor.InvokeAsync("trainer", [], caller.Token))
            {
            }
        }
    }

    [Fact]
    public async Task Invoke_CallerLeavesWhileATrainingRuns_TheTrainingFinishesAndItsVersionIsRegistered()
    {
        _harness.Engine.RunsUntilKilled = true;
        _harness.Engine.OnStart = spec => WriteOutput(spec, "model/model.zip", "weights");
        using var caller = new CancellationTokenSource();
        string? id = null;

        var left = await Assert.ThrowsAsync<RunnerException>(() => ReadUntilStartedAsync().WaitAsync(ConductorHarness.Bound));
        _harness.Engine.FinishAll(0);

        Assert.Equal(ErrorKind.Cancelled, left.Kind);
        Assert.Contains("goes on", left.Message);
        await ConductorHarness.WaitUntilAsync(() => _harness.Store.Get(id).IsFinished);
        Assert.Equal(InvocationStatus.Succeeded, _harness.Store.Get(id).Status);
        Assert.Single(_harness.Recorder.Successes);
        Assert.Equal(0, _harness.Engine.Kills);
        Engine.TornDownOnce();

        async Task ReadUntilStartedAsync()
        {
            await foreach (var item in _harness.Conductor.InvokeAsync("trainer", [], caller.Token))
            {
                id ??= (item as InvocationAccepted)?.InvocationId;
                if (item is InvocationContainerStarted)
                {
                    await caller.CancelAsync();
                }
            }
        }
    }

    [Fact]
    public async Task Invoke_RunnerStopsDuringADetachedTraining_KillsItAndRecordsTheCancellation()
    {
        _harness.Engine.RunsUntilKilled = true;
        string? id = null;
        await foreach (var item in _harness.Conductor.InvokeAsync("trainer", [], CancellationToken.None))
        {
            id ??= (item as InvocationAccepted)?.InvocationId;
            if (item is InvocationContainerStarted)
            {
                break;
            }
        }

        await _harness.Detached.StopAsync(CancellationToken.None).WaitAsync(ConductorHarness.Bound);

        Assert.Equal(InvocationStatus.Cancelled, _harness.Store.Get(id).Status);
        Assert.Equal(0, _harness.Detached.Running);
        Engine.TornDownOnce();
    }

    [Fact]
    public async Task Invoke_TrainingLeavesNoModel_FailsAndRecordsAFailedRun()
    {
        var (events, error) = await _harness.InvokeAsync("trainer");

        Assert.Equal(ErrorKind.FunctionFailed, error?.Kind);
        Assert.Contains("left none in /mlops/output/model", error?.Message);
        Assert.Single(_harness.Recorder.Failures);
        Assert.Empty(_harness.Recorder.Successes);
        Assert.Equal(["Accepted", "ImageResolved", "ContainerStarted", "Completed"], ConductorHarness.Kinds(events));
    }

    [Fact]
    public async Task Invoke_TrainingDescribesItsModelWrongly_FailsNamingTheMistakeAndRecordsAFailedRun()
    {
        _harness.Engine.OnStart = spec =>
        {
            WriteOutput(spec, "model/model.zip", "weights");
            WriteOutput(spec, "model/mlflow.json", """{"signature": {"inputs": [{"name": "x", "type": "float32"}], "outputs": [{"name": "y", "type": "double"}]}}""");
        };

        var (_, error) = await _harness.InvokeAsync("trainer");

        Assert.Equal(ErrorKind.FunctionFailed, error?.Kind);
        Assert.Contains("model/mlflow.json: signature.inputs[0].type: 'float32' is not an MLflow column type", error?.Message);
        Assert.Single(_harness.Recorder.Failures);
        Assert.Empty(_harness.Recorder.Successes);
    }

    [Fact]
    public async Task Invoke_TrainingExitsNonZero_RecordsAFailedRun()
    {
        _harness.Engine.ExitCode = 1;

        var (_, error) = await _harness.InvokeAsync("trainer");

        Assert.Equal(ErrorKind.FunctionFailed, error?.Kind);
        Assert.Single(_harness.Recorder.Failures);
    }

    [Fact]
    public async Task Invoke_Ended_LeavesNoWorkspace()
    {
        await _harness.InvokeAsync("work");

        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(_harness.DataDirectory, "invocations")));
    }

    [Fact]
    public async Task Invoke_WorkspacesLiveInAFolderOnlyTheRunnerCanEnter()
    {
        UnixFileMode? mode = null;
        _harness.Engine.OnStart = spec =>
        {
            var output = spec.Mounts.Single(m => m.Target == ContainerSpec.OutputMount).Source;
            mode = OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(Path.GetDirectoryName(Path.GetDirectoryName(output))!);
        };

        var (_, error) = await _harness.InvokeAsync("work");

        Assert.Null(error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, mode);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Invoke_PrintsPastTheLogLimit_IsStoppedResourceExhausted_AndTheLogKeepsOnlyTheBudget()
    {
        _harness.Engine.RunsUntilKilled = true;
        var line = new string('x', 1023) + "\n";
        for (var i = 0; i < 1100; i++)
        {
            _harness.Engine.Output.Add((OutputStream.Stdout, line));
        }

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.ResourceExhausted, error?.Kind);
        Assert.Contains("printed more than 1 MB", error!.Message);
        Assert.InRange(events.OfType<InvocationLog>().Count(), 1000, 1024);
        Assert.Equal(InvocationStatus.Failed, Assert.IsType<InvocationCompleted>(events[^1]).Record.Status);
        Engine.TornDownOnce();
    }

    [Fact]
    public async Task Invoke_FillsItsOutputPastTheLimit_IsStoppedResourceExhausted()
    {
        _harness.Engine.RunsUntilKilled = true;
        _harness.Engine.OnStart = spec => WriteOutput(spec, "model/weights.bin", new string('w', 1_200_000));

        var (events, error) = await _harness.InvokeAsync("trainer");

        Assert.Equal(ErrorKind.ResourceExhausted, error?.Kind);
        Assert.Contains("/mlops/output", error!.Message);
        Assert.Empty(_harness.Recorder.Successes);
        Engine.TornDownOnce();
    }

    [Fact]
    public async Task Invoke_WritesPastTheOutputLimitAndExitsAtOnce_IsStillResourceExhausted()
    {
        _harness.Engine.OnStart = spec =>
        {
            WriteOutput(spec, "result.json", "{}");
            WriteOutput(spec, "big.bin", new string('w', 1_200_000));
        };

        var (events, error) = await _harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.ResourceExhausted, error?.Kind);
        Assert.DoesNotContain(events, e => e is InvocationResult);
    }

    [Fact]
    public async Task Invoke_LeavesTooManyFiles_IsStoppedResourceExhausted()
    {
        _harness.Engine.RunsUntilKilled = true;
        _harness.Engine.OnStart = spec =>
        {
            for (var i = 0; i < 60; i++)
            {
                WriteOutput(spec, $"many/{i}.txt", "x");
            }
        };

        var (_, error) = await _harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.ResourceExhausted, error?.Kind);
        Engine.TornDownOnce();
    }

    [Fact]
    public async Task Invoke_StoppedForWritingAFileTooLarge_SaysSo()
    {
        _harness.Engine.ExitCode = 128 + 25;

        var (_, error) = await _harness.InvokeAsync("work");

        Assert.Equal(ErrorKind.ResourceExhausted, error?.Kind);
        Assert.Contains("wrote a file larger than 1 MB", error!.Message);
    }

    private static void WriteOutput(ContainerSpec spec, string relativePath, string content)
    {
        var output = spec.Mounts.Single(m => m.Target == ContainerSpec.OutputMount).Source;
        var path = Path.Combine(output, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>What teardown left on the fake engine.</summary>
    private readonly record struct FakeEngineView(ConductorHarness Harness)
    {
        /// <summary>Exactly one removal reached the engine, nothing is left on it, and nothing is still held as live.</summary>
        public void TornDownOnce()
        {
            Assert.Equal(1, Harness.Engine.Removals);
            Assert.Empty(Harness.Engine.Existing);
            Assert.Equal(0, Harness.Live.Count);
        }
    }
}
