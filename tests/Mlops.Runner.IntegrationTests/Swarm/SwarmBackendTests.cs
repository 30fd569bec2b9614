extern alias runner;

using System.Collections.Concurrent;
using System.Diagnostics;
using Docker.DotNet.Models;
using Mlops.Runner.IntegrationTests.Pipelines;
using Mlops.V1;
using Labels = runner::Mlops.Runner.Labels;
using RunnerTelemetry = runner::Mlops.Runner.Diagnostics.RunnerTelemetry;

namespace Mlops.Runner.IntegrationTests.Swarm;

/// <summary>
/// The Swarm backend on a real two-node swarm: invocations run as one-shot tasks on both nodes, their parameters,
/// models and outputs travel without host folders, and nothing of theirs is left on either engine.
/// </summary>
public sealed class SwarmBackendTests(TwoNodeSwarm swarm) : IClassFixture<TwoNodeSwarm>, IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);
    private readonly ConcurrentDictionary<string, string> _nodes = new(StringComparer.Ordinal);
    private const string FanOut = """
        {
          "description": "Echo once, then once per count, in parallel",
          "inputs": { "counts": { "type": "array", "items": "integer", "default": [1, 2, 3, 4, 5, 6] } },
          "steps": {
            "hello": { "function": "echo", "parameters": { "message": "hello" } },
            "each": { "function": "echo", "map": { "over": "${inputs.counts}", "concurrency": 4 }, "parameters": { "count": "${item}" }, "after": ["hello"] }
          }
        }
        """;

    private readonly DirectoryInfo _pipelines = Directory.CreateTempSubdirectory("mlops-swarm-pipelines-");
    private RunnerHost _host = null!;
    private ActivityListener _listener = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RunnerTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (span.DisplayName == "container wait" && span.GetTagItem(RunnerTelemetry.Node) is string node
                    && span.GetTagItem(RunnerTelemetry.ContainerId) is string task)
                {
                    _nodes[task] = node;
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        Directory.CreateDirectory(Path.Combine(_pipelines.FullName, "fan-out"));
        await File.WriteAllTextAsync(Path.Combine(_pipelines.FullName, "fan-out", "pipeline.json"), FanOut);
        _host = await RunnerHost.StartAsync(Settings());
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Containers:Backend"] = "Swarm",
        ["Swarm:Registry"] = swarm.Registry,
        ["Runner:PipelinesPath"] = _pipelines.FullName,
    };

    public async Task DisposeAsync()
    {
        try
        {
            Assert.Empty(await ServicesAndConfigsAsync());
            // A removed service's containers go a moment later, on each node.
            Assert.True(await _host.WaitForNoContainersAsync(Bound), "task containers were left on the manager");
            using var worker = swarm.Worker();
            Assert.True(await InstanceContainers.WaitForNoneAsync(worker, _host.InstanceName, Bound) == 0, "task containers were left on the worker");
        }
        finally
        {
            await _host.DisposeAsync();
            _listener.Dispose();
            _pipelines.Delete(recursive: true);
        }
    }

    [TwoNodeSwarmFact]
    public async Task Invocations_RunOnBothNodes_WithTheirParametersInAndResultsOut()
    {
        var calls = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            InvokeCall.RunAsync(_host.Client, "echo", InvokeCall.Parameters($$"""{"message": "hello {{i}}", "count": {{i % 10 + 1}}}"""), Bound)));

        for (var i = 0; i < calls.Length; i++)
        {
            var call = calls[i];
            Assert.True(call.Error is null && call.Completed.Status == InvocationStatus.Succeeded, $"{call.Error?.Status} {call.Completed.ErrorMessage}");
            var data = call.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result.Data.Fields;
            Assert.Equal($"hello {i}", data["message"].StringValue);
            Assert.Contains(call.Logs, line => line.Line == $"invocation {call.InvocationId} of echo as uid 10001");
            Assert.Contains(call.Logs, line => line.Line == "to stderr" && line.Stream == LogStream.Stderr);
            Assert.DoesNotContain(call.Logs, line => line.Line.StartsWith("mlops-output", StringComparison.Ordinal));
            Assert.False(call.Completed.Pooled);
        }

        var nodes = calls.Select(call => _nodes.GetValueOrDefault($"mlops-echo-{call.InvocationId}")).ToHashSet();
        Assert.Contains(swarm.WorkerName, nodes);
        Assert.True(nodes.Count == 2 && !nodes.Contains(null), $"nodes seen: {string.Join(", ", nodes)}");
    }

    [TwoNodeSwarmFact]
    public async Task TrainThenPredict_TheModelComesBackFromOneTaskAndGoesIntoAnother()
    {
        var model = $"swarm_{Guid.NewGuid():N}"[..20];
        var trained = await InvokeCall.RunAsync(_host.Client, "toy-trainer", InvokeCall.Parameters($$"""{"model_name": "{{model}}"}"""), Bound);
        Assert.Equal(InvocationStatus.Succeeded, trained.Completed.Status);

        var predicted = await InvokeCall.RunAsync(_host.Client, "toy-predictor", InvokeCall.Parameters($$"""{"model_name": "{{model}}"}"""), Bound);

        Assert.Equal(InvocationStatus.Succeeded, predicted.Completed.Status);
        var data = predicted.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result.Data.Fields;
        Assert.Equal((trained.InvocationId, "extra"), (data["trained_by"].StringValue, data["extra"].StringValue));
    }

    [TwoNodeSwarmFact]
    public async Task ATimedOutTask_IsKilled_AndItsServiceAndConfigsGo()
    {
        var call = await InvokeCall.RunAsync(_host.Client, "sleep-forever", bound: Bound);

        Assert.Equal(InvocationStatus.TimedOut, call.Completed.Status);
        Assert.Empty(await ServicesAndConfigsAsync());
    }

    [TwoNodeSwarmFact]
    public async Task APipelinesFanOut_RunsItsItemsAsTasksOnBothNodes()
    {
        var run = await PipelineCall.RunAsync(new Mlops.V1.Pipelines.PipelinesClient(_host.Channel), "fan-out", noCache: true, bound: Bound);

        Assert.True(run.Error is null, run.Error?.Status.Detail);
        Assert.Equal(PipelineRunStatus.Succeeded, run.Completed.Status);
        Assert.Equal(6, run.Step("each").Items.Count);
        Assert.All(run.Step("each").Items, item => Assert.Equal(StepStatus.Succeeded, item.Status));
        Assert.Equal(2, _nodes.Values.Distinct().Count());
    }

    [TwoNodeSwarmFact]
    public async Task TheServicesAndConfigsOfADeadRunner_AreRemovedWhenItStartsAgain()
    {
        var instance = $"test-{Guid.NewGuid():N}"[..17];
        var labels = new Dictionary<string, string> { [Labels.Runner] = instance, [Labels.Invocation] = "dead", ["mlops.task"] = "mlops-echo-dead" };
        await _host.Docker.Configs.CreateConfigAsync(new SwarmCreateConfigParameters
        {
            Config = new SwarmConfigSpec { Name = $"mlops-echo-dead-{instance}", Labels = labels, Data = "{}"u8.ToArray() },
        });
        await _host.Docker.Swarm.CreateServiceAsync(new ServiceCreateParameters
        {
            Service = new ServiceSpec
            {
                Name = $"mlops-echo-dead-{instance}",
                Labels = labels,
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 0 } },
                TaskTemplate = new TaskSpec { ContainerSpec = new Docker.DotNet.Models.ContainerSpec { Image = "mlops.local/debian:bookworm-slim" } },
            },
        });

        await using var restarted = await RunnerHost.StartAsync(Settings(), instanceName: instance);

        Assert.True(await Polling.UntilAsync(async () => (await ServicesAndConfigsAsync(instance)).Count == 0, Bound), string.Join(", ", await ServicesAndConfigsAsync(instance)));
    }

    /// <summary>This runner's services and configs on the swarm.</summary>
    private Task<List<string>> ServicesAndConfigsAsync() => ServicesAndConfigsAsync(_host.InstanceName);

    private async Task<List<string>> ServicesAndConfigsAsync(string instance)
    {
        var label = $"{Labels.Runner}={instance}";
        var services = await _host.Docker.Swarm.ListServicesAsync(new ServicesListParameters { Filters = new ServiceFilter { Label = [label] } });
        var configs = (await _host.Docker.Configs.ListConfigsAsync())
            .Where(c => c.Spec.Labels?.TryGetValue(Labels.Runner, out var owner) == true && owner == instance);
        return [.. services.Select(s => s.Spec.Name), .. configs.Select(c => c.Spec.Name)];
    }
}
