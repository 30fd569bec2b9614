using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests.Faults;

/// <summary>
/// Nobody can starve the host: one budget for the machine's containers and memory, and per-key quotas on
/// invocations (in every state), endpoints and replicas. Past any limit: ResourceExhausted / 429 naming it.
/// </summary>
public sealed class CapacityTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AsyncInvocationsBeyondTheKeysLimit_AreRefused_NamingTheLimitAndTheUse_UntilOneEnds()
    {
        // The gateway's per-call limit is set as low: it never sees an asynchronous invocation once it is accepted.
        var settings = new Dictionary<string, string?> { ["Capacity:InvocationsPerKey"] = "2", ["RateLimits:ConcurrentInvocations"] = "2" };
        await using var host = await RunnerHost.StartAsync(settings);
        await using var gateway = GatewayHost.Start(host, settings);
        var key = (await new V1.Keys.KeysClient(host.Channel).CreateKeyAsync(new CreateKeyRequest { Name = "async loop", Role = "developer" })).Secret;
        using var channel = host.ChannelWith(key);
        var runner = new Mlops.V1.Runner.RunnerClient(channel);
        var request = new InvokeRequest { Function = "print-sleep" };

        var accepted = new[]
        {
            (await runner.InvokeAsyncAsync(request, deadline: DateTime.UtcNow + Bound)).InvocationId,
            (await runner.InvokeAsyncAsync(request, deadline: DateTime.UtcNow + Bound)).InvocationId,
        };
        var refused = await Assert.ThrowsAsync<RpcException>(() => runner.InvokeAsyncAsync(request, deadline: DateTime.UtcNow + Bound).ResponseAsync);
        using var http = gateway.HttpWith(key);
        using var overRest = await http.PostAsJsonAsync("/v1/functions/print-sleep:invokeAsync", new JsonObject());
        var restError = await overRest.Content.ReadAsStringAsync();
        // Another key is not held up by this one's invocations.
        var other = await host.Client.InvokeAsyncAsync(new InvokeRequest { Function = "echo" }, deadline: DateTime.UtcNow + Bound);
        foreach (var id in accepted.Append(other.InvocationId))
        {
            await host.Client.GetInvocationAsync(new GetInvocationRequest { Id = id, Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(60)) }, deadline: DateTime.UtcNow + Bound);
        }

        var again = await runner.InvokeAsyncAsync(new InvokeRequest { Function = "echo" }, deadline: DateTime.UtcNow + Bound);
        await host.Client.GetInvocationAsync(new GetInvocationRequest { Id = again.InvocationId, Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(60)) }, deadline: DateTime.UtcNow + Bound);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("this key has 2 invocation(s) queued, running or detached", refused.Status.Detail);
        Assert.Contains("Capacity:InvocationsPerKey is 2", refused.Status.Detail);
        Assert.Equal(HttpStatusCode.TooManyRequests, overRest.StatusCode);
        Assert.Contains("Capacity:InvocationsPerKey", JsonNode.Parse(restError)!["message"]!.GetValue<string>());
        Assert.True(await host.WaitForNoContainersAsync(Bound));
    }

    [Fact]
    public async Task ADeveloperKey_AskingForMoreEndpointsOrReplicasThanItsQuota_Gets429NamingTheLimitAndTheUse()
    {
        await using var harness = await ServingHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Capacity:EndpointsPerKey"] = "1", ["Capacity:ReplicasPerKey"] = "3",
        });
        var developer = await harness.KeyAsync("developer");
        var name = $"quota-{Guid.NewGuid():N}"[..14];

        var tooManyReplicas = await harness.PutAsync(developer, name, min: 0, max: 4);
        var first = await harness.PutAsync(developer, name, min: 0, max: 2);
        var secondEndpoint = await harness.PutAsync(developer, name + "b", min: 0, max: 1);
        var biggerUpdate = await harness.PutAsync(developer, name, min: 0, max: 3);
        // An admin is bounded by the machine's budget only.
        var admin = await harness.PutAsync(harness.Host.AdminKey, name + "a", min: 0, max: 8);
        await harness.DeleteAsync(harness.Host.AdminKey, name + "a");
        var deleted = await harness.DeleteAsync(developer, name);

        Assert.Equal(HttpStatusCode.TooManyRequests, tooManyReplicas.Status);
        Assert.Contains("this one to 4 more, over its limit (Capacity:ReplicasPerKey is 3)", Message(tooManyReplicas.Body));
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, secondEndpoint.Status);
        Assert.Contains("this key has 1 endpoint(s), its limit (Capacity:EndpointsPerKey is 1)", Message(secondEndpoint.Body));
        Assert.Equal(HttpStatusCode.OK, biggerUpdate.Status);
        Assert.Equal(HttpStatusCode.OK, admin.Status);
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
    }

    [Fact]
    public async Task ABudgetSmallerThanAReplica_KeepsTheEndpointFromStartingOne_WithAMessage_AndStatusAndDebugShowTheBudget()
    {
        await using var harness = await ServingHarness.StartAsync(new Dictionary<string, string?> { ["Capacity:MaxMemoryMb"] = "128", ["Capacity:MaxContainers"] = "5" });
        var name = $"budget-{Guid.NewGuid():N}"[..15];

        var put = await harness.PutAsync(harness.Host.AdminKey, name, min: 1, max: 1);
        var containers = await harness.Host.ContainersAsync();
        var status = await harness.Host.Client.GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow + Bound);
        var debug = (await harness.Gateway.Http.GetFromJsonAsync<JsonObject>("/debug"))!;
        await harness.DeleteAsync(harness.Host.AdminKey, name);

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("ENDPOINT_STATE_PENDING", put.Body["state"]!.GetValue<string>());
        Assert.Contains("1 wanted replica(s) wait for the machine's capacity", Message(put.Body));
        Assert.Contains("0 of 128 MB (Capacity:MaxMemoryMb)", Message(put.Body));
        Assert.Empty(containers);
        Assert.Equal((0, 5, 0L, 128L), (status.Capacity.ContainersUsed, status.Capacity.ContainersLimit, status.Capacity.MemoryUsedMb, status.Capacity.MemoryLimitMb));
        Assert.Equal(128, debug["capacity"]!["memory_mb"]!["limit"]!.GetValue<long>());
        Assert.Equal(5, debug["capacity"]!["containers"]!["limit"]!.GetValue<int>());
        Assert.Equal(32, debug["capacity"]!["per_key"]!["invocations"]!.GetValue<int>());
    }

    private static string Message(JsonObject body) => body["message"]?.GetValue<string>() ?? body.ToJsonString();
}
