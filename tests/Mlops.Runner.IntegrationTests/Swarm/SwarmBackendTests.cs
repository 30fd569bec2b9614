extern alias runner;

using System.Collections.Concurrent;
using System.Diagnostics;
using Docker.DotNet.Models;
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
        _host = await RunnerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Containers:Backend"] = "Swarm",
            ["Swarm:Registry"] = swarm.Registry,
        });
    }

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

    /// <summary>This runner's services and configs on the swarm.</summary>
    private async Task<List<string>> ServicesAndConfigsAsync()
    {
        var label = $"{Labels.Runner}={_host.InstanceName}";
        var services = await _host.Docker.Swarm.ListServicesAsync(new ServicesListParameters { Filters = new ServiceFilter { Label = [label] } });
        var configs = (await _host.Docker.Configs.ListConfigsAsync())
            .Where(c => c.Spec.Labels?.TryGetValue(Labels.Runner, out var instance) == true && instance == _host.InstanceName);
        return [.. services.Select(s => s.Spec.Name), .. configs.Select(c => c.Spec.Name)];
    }
}
