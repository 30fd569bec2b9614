using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.Gateway.Tests.Hosting;
using Mlops.Keys;
using Mlops.ServiceDefaults.Security;
using Mlops.V1;

namespace Mlops.Gateway.Tests.Routes;

/// <summary>POST /invoke, the source documents' one-call API, translated to the runner's Invoke stream and back.</summary>
public sealed class InvokeRouteTests(GatewayHost gateway) : IClassFixture<GatewayHost>, IDisposable
{
    [Fact]
    public async Task Invoke_Params_ReachTheRunnerAsTheSameStructAndDataComesBack()
    {
        const string parameters = """{"n_estimators": 3, "large": 12345678901234567890, "nested": [[1, []], {}], "none": null, "name": "x"}""";
        gateway.Runner.Invoke = request =>
        [
            new InvokeEvent { Accepted = new InvocationAccepted { InvocationId = "inv-1" } },
            new InvokeEvent { Result = new InvocationResult { Data = request.Parameters } },
            new InvokeEvent { Completed = new InvocationCompleted { Status = InvocationStatus.Succeeded } },
        ];
        using var client = gateway.Client(Roles.Developer);

        using var response = await client.PostAsync("/invoke", Json($$"""{"function": "train", "params": {{parameters}}}"""));

        var sent = gateway.Runner.Single<InvokeRequest>("Invoke");
        Assert.Equal("train", sent.Function);
        Assert.Equal(Struct.Parser.ParseJson(parameters), sent.Parameters);
        Assert.Equal($"Bearer {gateway.Key(Roles.Developer)}", gateway.Runner.Calls.Single().Authorization);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("success", body["status"]!.GetValue<string>());
        // What the route answered before it had the converter: protobuf's JSON of the same Struct (the large integer a double).
        var before = JsonNode.Parse(Google.Protobuf.JsonFormatter.Default.Format(Struct.Parser.ParseJson(parameters)));
        Assert.True(JsonNode.DeepEquals(before, body["data"]), body.ToJsonString());
    }

    [Fact]
    public async Task Invoke_NumberBeyondADoublesRange_Is400BeforeTheRunner()
    {
        using var client = gateway.Client(Roles.Developer);

        using var response = await client.PostAsync("/invoke", Json("""{"function": "train", "parameters": {"n": 1e400}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("beyond a double's range", await ErrorOf(response));
        Assert.Empty(gateway.Runner.Calls);
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "n_estimators: must be at most 2000")]
    [InlineData(StatusCode.NotFound, HttpStatusCode.NotFound, "there is no function 'nope'")]
    [InlineData(StatusCode.FailedPrecondition, HttpStatusCode.Conflict, "the image is being removed")]
    [InlineData(StatusCode.ResourceExhausted, HttpStatusCode.TooManyRequests, "the queue is full")]
    [InlineData(StatusCode.DeadlineExceeded, HttpStatusCode.GatewayTimeout, "the function ran past its timeout")]
    [InlineData(StatusCode.Unavailable, HttpStatusCode.ServiceUnavailable, "the Docker engine is not reachable")]
    [InlineData(StatusCode.Unknown, HttpStatusCode.InternalServerError, "the runner failed unexpectedly")]
    public async Task Invoke_RunnerRefuses_AnswersTheMatchingStatusInTheSeedsErrorShape(StatusCode status, HttpStatusCode expected, string message)
    {
        gateway.Runner.Failure = new RpcException(new Status(status, status == StatusCode.Unknown ? "NullReferenceException at line 12" : message));
        using var client = gateway.Client(Roles.Developer);

        using var response = await client.PostAsync("/invoke", Json("""{"function": "nope"}"""));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(message, await ErrorOf(response));
    }

    [Theory]
    [InlineData("""[1]""", "the request body must be a JSON object")]
    [InlineData("""{"function": 7}""", "'function' is required and must be a string")]
    [InlineData("""{"function": "train", "parameters": {}, "params": {}}""", "give 'parameters' or 'params', not both")]
    [InlineData("""{"function": "train", "parameters": [1]}""", "'parameters' must be a JSON object")]
    [InlineData("""{"function": "train", "async": "yes"}""", "'async' must be true or false")]
    public async Task Invoke_BadBody_Is400NamingTheFieldBeforeTheRunner(string body, string message)
    {
        using var client = gateway.Client(Roles.Developer);

        using var response = await client.PostAsync("/invoke", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(message, await ErrorOf(response));
        Assert.Empty(gateway.Runner.Calls);
    }

    [Fact]
    public async Task Invoke_Async_Is202WithWhereToPoll()
    {
        using var client = gateway.Client(Roles.Developer);

        using var response = await client.PostAsync("/invoke", Json("""{"function": "train", "async": true, "callback_url": "http://127.0.0.1:9/done"}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("http://127.0.0.1:9/done", gateway.Runner.Single<InvokeRequest>("InvokeAsync").CallbackUrl);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("inv-1", body["invocation_id"]!.GetValue<string>());
        Assert.Equal(body["location"]!.GetValue<string>(), response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Invoke_WithoutAKey_Is401BeforeItsBodyIsRead()
    {
        using var client = gateway.Client(role: null);
        // Over the body limit: a 413 would mean the body was read before the key was looked at.
        var tooLarge = new string(' ', (int)GatewayServiceExtensions.MaxRequestBodyBytes + 1024);

        using var response = await client.PostAsync("/invoke", Json($$"""{"function": "train"}{{tooLarge}}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(gateway.Runner.Calls);
    }

    [Theory]
    [InlineData(Roles.Viewer)]
    [InlineData(Roles.Predictor)]
    public async Task Invoke_KeyWithoutTheInvokePermission_Is403(string role)
    {
        using var client = gateway.Client(role);

        using var response = await client.PostAsync("/invoke", Json("""{"function": "train"}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(gateway.Runner.Calls);
    }

    public void Dispose() => gateway.Runner.Reset();

    internal static StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");

    private static async Task<string> ErrorOf(HttpResponseMessage response)
    {
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("error", body["status"]!.GetValue<string>());
        return body["error"]!.GetValue<string>();
    }
}
