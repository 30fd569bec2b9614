using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using V1 = Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

/// <summary>Per-key limits at the gateway: requests per second and invocations at once, each a 429 with Retry-After.</summary>
[Collection(RunnerCollection.Name)]
public sealed class RateLimitTests(RunnerFixture fixture)
{
    [Fact]
    public async Task ManyRequestsAtOnce_OneKeyGets429WithRetryAfter_AnotherKeyIsUnaffected()
    {
        await using var gateway = GatewayHost.Start(fixture.Host, new Dictionary<string, string?> { ["RateLimits:RequestsPerSecond"] = "5" });
        using var busy = gateway.HttpWith(await KeyAsync("viewer"));
        using var quiet = gateway.HttpWith(await KeyAsync("viewer"));

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => busy.GetAsync("/v1/functions")));
        using var other = await quiet.GetAsync("/v1/functions");

        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.True(refused[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("RESOURCE_EXHAUSTED", (await refused[0].Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task ASecondInvocationOfAKeyAtItsLimit_Is429_UntilTheFirstEnds()
    {
        await using var gateway = GatewayHost.Start(fixture.Host, new Dictionary<string, string?> { ["RateLimits:ConcurrentInvocations"] = "1" });
        using var http = gateway.HttpWith(await KeyAsync("developer"));

        var first = http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "print-sleep" });
        await Task.Delay(500);
        using var second = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "echo" });
        using var firstAnswer = await first;
        using var third = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "echo" });

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains("invocations", (await second.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, firstAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    private async Task<string> KeyAsync(string role) =>
        (await new V1.Keys.KeysClient(fixture.Host.Channel).CreateKeyAsync(new V1.CreateKeyRequest { Name = $"rate {role}", Role = role })).Secret;
}
