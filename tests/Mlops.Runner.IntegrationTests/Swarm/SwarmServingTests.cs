using System.Net;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;

namespace Mlops.Runner.IntegrationTests.Swarm;

/// <summary>The serving fixture (runner, gateway, a trained iris model) with the runner on the Swarm backend of a two-node swarm.</summary>
public sealed class SwarmServingFixture : ServingFixture
{
    public TwoNodeSwarm Swarm { get; } = new();

    protected override Dictionary<string, string?> RunnerSettings()
    {
        var settings = base.RunnerSettings();
        settings["Containers:Backend"] = "Swarm";
        settings["Swarm:Registry"] = Swarm.Registry;
        return settings;
    }

    public override async Task InitializeAsync()
    {
        await Swarm.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await Swarm.DisposeAsync();
        }
    }
}

/// <summary>
/// An endpoint on the Swarm backend: its replicas are tasks on both nodes, reached through the edge, answering through
/// the gateway; one node is drained under load and no prediction fails; nothing is left on either engine.
/// </summary>
public sealed class SwarmServingTests(SwarmServingFixture fixture) : IClassFixture<SwarmServingFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    [TwoNodeSwarmFact]
    public async Task AnEndpointWithReplicasOnBothNodes_Answers_AndADrainedNodeFailsNoPrediction()
    {
        const string name = "swarm-iris";
        await fixture.PutAsync(name, min: 2, max: 2);
        Assert.True(await fixture.WaitForAsync(name, e => ServingFixture.Ready(e) == 2, Bound), (await fixture.GetAsync(name)).ToJsonString());
        var replicas = ServingFixture.Replicas(await fixture.GetAsync(name));
        Assert.All(replicas, r => Assert.Contains(" via 127.0.0.1:", r!["address"]!.GetValue<string>()));
        var nodes = await NodesOfAsync(name);
        var all = (await fixture.Host.Docker.Swarm.ListNodesAsync()).Select(n => n.Description.Hostname);
        Assert.Equal(all.Order(), nodes.Order());

        using var stop = new CancellationTokenSource();
        var load = fixture.LoadAsync(name, clients: 4, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await DrainAsync(fixture.Swarm.WorkerName);
        try
        {
            // The worker's replica goes; its replacement starts on the manager, and the load goes on meanwhile.
            Assert.True(await Polling.UntilAsync(async () => (await NodesOfAsync(name)).All(node => node != fixture.Swarm.WorkerName), Bound), "the replica stayed on the drained node");
            Assert.True(await fixture.WaitForAsync(name, e => ServingFixture.Ready(e) == 2, Bound), (await fixture.GetAsync(name)).ToJsonString());
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await stop.CancelAsync();
        }

        var answers = await load;
        Assert.True(answers.Keys.All(status => status == HttpStatusCode.OK), string.Join(", ", answers.Select(a => $"{a.Key}: {a.Value}")));
        Assert.True(answers[HttpStatusCode.OK] > 20, $"only {answers[HttpStatusCode.OK]} predictions");

        await fixture.DeleteAsync(name);
        Assert.True(await Polling.UntilAsync(async () => (await ReplicaServicesAsync()).Count == 0, Bound), "replica services were left");
    }

    /// <summary>The hostnames of the nodes the endpoint's running replica tasks are on.</summary>
    private async Task<List<string>> NodesOfAsync(string endpoint)
    {
        var nodes = new List<string>();
        foreach (var service in (await ReplicaServicesAsync()).Where(s => s.Spec.Labels.TryGetValue("mlops.endpoint", out var e) && e == endpoint))
        {
            var tasks = await fixture.Host.Docker.Tasks.ListAsync(new TasksListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [service.Spec.Name] = true } },
            });
            foreach (var task in tasks.Where(t => t.Status.State == TaskState.Running))
            {
                nodes.Add((await fixture.Host.Docker.Swarm.InspectNodeAsync(task.NodeID)).Description.Hostname);
            }
        }

        return nodes;
    }

    private async Task<IList<SwarmService>> ReplicaServicesAsync() =>
        [.. (await fixture.Host.Docker.Swarm.ListServicesAsync(new ServicesListParameters
            {
                Filters = new ServiceFilter { Label = [$"mlops.runner={fixture.Host.InstanceName}"] },
            }))
            .Where(s => s.Spec.Labels.ContainsKey("mlops.replica"))];

    private async Task DrainAsync(string node)
    {
        var found = (await fixture.Host.Docker.Swarm.ListNodesAsync()).Single(n => n.Description.Hostname == node);
        var spec = found.Spec;
        spec.Availability = "drain";
        await fixture.Host.Docker.Swarm.UpdateNodeAsync(found.ID, found.Version.Index, spec);
    }
}
