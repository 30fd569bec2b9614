using Microsoft.Extensions.Logging.Abstractions;
using Mlops.Runner.Containers;
using Mlops.Runner.Invocations;
using Mlops.Runner.Registry;
using Mlops.Runner.Tests.Invocations;

namespace Mlops.Runner.Tests.Registry;

/// <summary>A training that ends while the registry is down is kept, answered as pending, and recorded once it is back.</summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private readonly ConductorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Invoke_RegistryDown_SucceedsSayingTheRegistrationIsPending_AndKeepsTheModel()
    {
        _harness.Recorder.Down = true;
        _harness.Engine.OnStart = spec => WriteModel(spec, "weights");

        var (events, error) = await _harness.InvokeAsync("trainer");

        Assert.Null(error);
        var data = Assert.IsType<InvocationResult>(events[^2]).Data;
        Assert.Equal("pending", data["registration"]!.GetValue<string>());
        Assert.Contains("not reachable", data["registration_message"]!.GetValue<string>());
        Assert.Null(data["model_version"]);
        var entry = Assert.Single(_harness.Outbox.List());
        Assert.Equal("weights", File.ReadAllText(Path.Combine(entry.ModelDirectory!, "model.zip")));
        Assert.Contains("accepted", File.ReadAllText(entry.Context.LogPath));
    }

    [Fact]
    public async Task Deliver_OnceTheRegistryIsBack_RecordsTheKeptTraining_AndAmendsTheInvocationsResult()
    {
        _harness.Recorder.Down = true;
        _harness.Engine.OnStart = spec => WriteModel(spec, "weights");
        var (events, _) = await _harness.InvokeAsync("trainer");
        var id = Assert.IsType<InvocationAccepted>(events[0]).InvocationId;
        var delivery = Delivery();

        var stillDown = await Assert.ThrowsAsync<RunnerException>(() => delivery.DeliverAsync(CancellationToken.None).WaitAsync(ConductorHarness.Bound));
        Assert.Equal(ErrorKind.Unavailable, stillDown.Kind);
        Assert.Single(_harness.Outbox.List());
        _harness.Recorder.Down = false;
        await delivery.DeliverAsync(CancellationToken.None).WaitAsync(ConductorHarness.Bound);

        Assert.Empty(_harness.Outbox.List());
        var (context, _, files) = Assert.Single(_harness.Recorder.Successes);
        Assert.Equal(id, context.InvocationId);
        Assert.Equal(["model.zip"], files);
        var amended = _harness.Store.Get(id).Result!.Data;
        Assert.Equal("models:/test_model/7", amended["model_uri"]!.GetValue<string>());
        Assert.Null(amended["registration"]);
    }

    [Fact]
    public async Task Invoke_FailedTrainingWhileTheRegistryIsDown_IsKeptAsAFailedRunToRecord()
    {
        _harness.Recorder.Down = true;
        _harness.Engine.ExitCode = 2;

        var (_, error) = await _harness.InvokeAsync("trainer");

        Assert.Equal(ErrorKind.FunctionFailed, error?.Kind);
        var entry = Assert.Single(_harness.Outbox.List());
        Assert.Null(entry.Result);
        _harness.Recorder.Down = false;
        await Delivery().DeliverAsync(CancellationToken.None).WaitAsync(ConductorHarness.Bound);
        Assert.Single(_harness.Recorder.Failures);
        Assert.Empty(_harness.Outbox.List());
    }

    [Fact]
    public async Task Deliver_ARunLeftRunningByAnEarlierRunner_IsFinishedAsFailed()
    {
        var (events, _) = await _harness.InvokeAsync("work");
        var id = Assert.IsType<InvocationAccepted>(events[0]).InvocationId;
        var stale = await _harness.Registry.CreateRunAsync(
            "trainer", "stale", DateTimeOffset.UtcNow.AddMinutes(-5), new Dictionary<string, string> { [RunRecorder.RunTags.InvocationId] = id }, CancellationToken.None);
        var foreign = await _harness.Registry.CreateRunAsync(
            "trainer", "foreign", DateTimeOffset.UtcNow.AddMinutes(-5), new Dictionary<string, string> { [RunRecorder.RunTags.InvocationId] = InvocationStore.NewId() }, CancellationToken.None);

        await Delivery().DeliverAsync(CancellationToken.None).WaitAsync(ConductorHarness.Bound);

        Assert.Equal(RunStatus.Failed, (await _harness.Registry.GetRunAsync(stale.Id, CancellationToken.None)).Status);
        Assert.Equal(RunStatus.Running, (await _harness.Registry.GetRunAsync(foreign.Id, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Deliver_AnEntryTheRegistryRefuses_IsSetAsideWithTheReason_AndNotRetried()
    {
        _harness.Recorder.Down = true;
        _harness.Engine.OnStart = spec => WriteModel(spec, "weights");
        await _harness.InvokeAsync("trainer");
        (_harness.Recorder.Down, _harness.Recorder.Refuses) = (false, true);

        await Delivery().DeliverAsync(CancellationToken.None).WaitAsync(ConductorHarness.Bound);

        Assert.Empty(_harness.Outbox.List());
        var refused = Assert.Single(Directory.EnumerateDirectories(Path.Combine(_harness.Outbox.Root, "refused")));
        Assert.Contains("already logged", File.ReadAllText(Path.Combine(refused, "refused.txt")));
        Assert.True(File.Exists(Path.Combine(refused, "model", "model.zip")));
    }

    [Fact]
    public async Task Deliver_ADamagedEntry_IsSetAside_AndTheOthersAreStillRecorded()
    {
        _harness.Recorder.Down = true;
        _harness.Engine.OnStart = spec => WriteModel(spec, "weights");
        await _harness.InvokeAsync("trainer");
        await _harness.InvokeAsync("trainer");
        var damaged = _harness.Outbox.List()[0];
        File.WriteAllText(Path.Combine(damaged.Folder, "training.json"), "{\"cont");
        _harness.Recorder.Down = false;

        await Delivery().DeliverAsync(CancellationToken.None).WaitAsync(ConductorHarness.Bound);

        Assert.Single(_harness.Recorder.Successes);
        Assert.Empty(_harness.Outbox.List());
        Assert.Single(Directory.EnumerateDirectories(Path.Combine(_harness.Outbox.Root, "refused")));
    }

    private OutboxDelivery Delivery() =>
        new(_harness.Outbox, _harness.Recorder, _harness.Registry, _harness.Store, TimeProvider.System, NullLogger<OutboxDelivery>.Instance);

    private static void WriteModel(ContainerSpec spec, string content)
    {
        var output = spec.Mounts.Single(m => m.Target == ContainerSpec.OutputMount).Source;
        Directory.CreateDirectory(Path.Combine(output, "model"));
        File.WriteAllText(Path.Combine(output, "model", "model.zip"), content);
    }
}
