using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

/// <summary>Invocations started to run on their own, polled, long-polled, watched and called back, on the real engine.</summary>
[Collection(RunnerCollection.Name)]
public sealed class AsyncInvocationTests(RunnerFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    private RunnerHost Host => fixture.Host;

    [Fact]
    public async Task InvokeAsync_AnswersAtOnce_AndAWaitingGetHasTheResult()
    {
        var accepted = await Host.Client.InvokeAsyncAsync(new InvokeRequest { Function = "echo", Parameters = InvokeCall.Parameters("""{"message": "later"}""") });
        var ended = await Host.Client.GetInvocationAsync(new GetInvocationRequest { Id = accepted.InvocationId, Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(50)) });

        Assert.Equal("accepted", accepted.Status);
        Assert.Equal(InvocationStatus.Succeeded, ended.Status);
        Assert.Equal("later", ended.Result.Data.Fields["message"].StringValue);
    }

    [Fact]
    public async Task InvokeAsync_BadParameters_AreRefusedAtOnce_NamingTheField()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Host.Client.InvokeAsyncAsync(new InvokeRequest { Function = "echo", Parameters = InvokeCall.Parameters("""{"count": 99}""") }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("parameters.count", refused.Status.Detail);
    }

    [Fact]
    public async Task Watch_WhileItRuns_ReplaysWhatWasMissed_ThenFollowsToTheEnd()
    {
        var accepted = await Host.Client.InvokeAsyncAsync(new InvokeRequest { Function = "print-sleep" });
        // Past "first", before "second": the watcher has missed the start.
        await Eventually.HoldsAsync(async () => (await Host.Client.GetInvocationAsync(new GetInvocationRequest { Id = accepted.InvocationId })).Status == InvocationStatus.Running, Bound);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var events = await WatchAsync(accepted.InvocationId);

        Assert.Equal(InvokeEvent.EventOneofCase.Accepted, events[0].EventCase);
        Assert.Equal(["first", "second"], events.Where(e => e.EventCase == InvokeEvent.EventOneofCase.Log).Select(e => e.Log.Line));
        Assert.Equal(InvocationStatus.Succeeded, events[^1].Completed.Status);
    }

    [Fact]
    public async Task Watch_AfterItEnded_ReplaysItsStoryFromTheLogAndHistory()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "echo", InvokeCall.Parameters("""{"message": "told"}"""));

        var events = await WatchAsync(call.InvocationId);

        Assert.Equal(
            [InvokeEvent.EventOneofCase.Accepted, InvokeEvent.EventOneofCase.Image, InvokeEvent.EventOneofCase.ContainerStarted],
            events.Take(3).Select(e => e.EventCase));
        Assert.Contains(events, e => e.EventCase == InvokeEvent.EventOneofCase.Log && e.Log.Line == "to stderr" && e.Log.Stream == LogStream.Stderr);
        Assert.Equal("told", events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result.Data.Fields["message"].StringValue);
        Assert.Equal(InvocationStatus.Succeeded, events[^1].Completed.Status);
    }

    [Fact]
    public async Task Rest_AsyncInvoke_Is202WithLocation_AndALongPollAnswersWhenItEnds()
    {
        using var started = await fixture.Gateway.Http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "echo", ["async"] = true });
        var body = await started.Content.ReadFromJsonAsync<JsonObject>();
        var id = body!["invocation_id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("accepted", body["status"]!.GetValue<string>());
        Assert.Equal($"/api/v1/invocations/{id}", started.Headers.Location?.ToString());
        var polled = await fixture.Gateway.Http.GetFromJsonAsync<JsonObject>($"/v1/invocations/{id}?wait=30s");
        Assert.Equal("INVOCATION_STATUS_SUCCEEDED", polled!["status"]!.GetValue<string>());
        Assert.Equal("hello", polled["result"]!["data"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rest_TranscodedInvokeAsync_Is202WithLocation()
    {
        using var started = await fixture.Gateway.Http.PostAsJsonAsync("/v1/functions/echo:invokeAsync", new JsonObject());
        var id = (await started.Content.ReadFromJsonAsync<JsonObject>())!["invocationId"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal($"/api/v1/invocations/{id}", started.Headers.Location?.ToString());
        await Host.Client.GetInvocationAsync(new GetInvocationRequest { Id = id, Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(50)) });
    }

    [Fact]
    public async Task Callback_IsPostedOnceWithTheEndedInvocation_OnLoopbackWhenAllowed()
    {
        using var listener = new System.Net.HttpListener();
        var url = $"http://127.0.0.1:{AppHostProcess.FreePort()}/done/";
        listener.Prefixes.Add(url);
        listener.Start();

        var accepted = await Host.Client.InvokeAsyncAsync(new InvokeRequest { Function = "echo", CallbackUrl = url });
        var context = await listener.GetContextAsync().WaitAsync(Bound);
        var posted = await JsonNode.ParseAsync(context.Request.InputStream);
        context.Response.StatusCode = 204;
        context.Response.Close();

        Assert.Equal("POST", context.Request.HttpMethod);
        Assert.Equal(accepted.InvocationId, posted!["id"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", posted["status"]!.GetValue<string>());
        Assert.Equal("hello", posted["result"]!["data"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("http://example.com/hook")]
    [InlineData("ftp://127.0.0.1/hook")]
    [InlineData("not a url")]
    [InlineData("http://169.254.169.254/latest")]
    public async Task Callback_NotLoopbackNorAllowed_IsRefusedNamingTheField(string url)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Host.Client.InvokeAsyncAsync(new InvokeRequest { Function = "echo", CallbackUrl = url }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("callback_url:", refused.Status.Detail);
    }

    private async Task<List<InvokeEvent>> WatchAsync(string id)
    {
        using var call = Host.Client.WatchInvocation(new WatchInvocationRequest { Id = id }, deadline: DateTime.UtcNow + Bound);
        var events = new List<InvokeEvent>();
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            events.Add(item);
        }

        return events;
    }
}
