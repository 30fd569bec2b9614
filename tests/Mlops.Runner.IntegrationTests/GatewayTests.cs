using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Runner.IntegrationTests;

/// <summary>The public edge over HTTP: REST by transcoding, the seed's /invoke, /health and /debug.</summary>
[Collection(RunnerCollection.Name)]
public sealed class GatewayTests(RunnerFixture fixture)
{
    private HttpClient Http => fixture.Gateway.Http;

    [Fact]
    public async Task Rest_ListFunctions_IsJsonWithTheManifests()
    {
        var functions = await Http.GetFromJsonAsync<JsonObject>("/v1/functions");

        var echo = functions!["functions"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "echo")!;
        Assert.Equal(30, echo["timeoutSeconds"]!.GetValue<int>());
        Assert.Contains(echo["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "count");
    }

    [Fact]
    public async Task Rest_Invoke_StreamsOneJsonEventPerLine_AsTheyHappen()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/functions/print-sleep:invoke") { Content = JsonContent.Create(new JsonObject()) };
        var clock = Stopwatch.StartNew();
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var arrivals = new List<(JsonObject Event, TimeSpan At)>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                arrivals.Add((JsonNode.Parse(line)!.AsObject(), clock.Elapsed));
            }
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var first = arrivals.Single(a => a.Event["log"]?["line"]?.GetValue<string>() == "first").At;
        var completed = arrivals.Single(a => a.Event.ContainsKey("completed"));
        Assert.Equal("INVOCATION_STATUS_SUCCEEDED", completed.Event["completed"]!["status"]!.GetValue<string>());
        Assert.True(completed.At - first >= TimeSpan.FromSeconds(1.5), $"first line at {first}, completed at {completed.At}");
    }

    [Fact]
    public async Task Rest_BadParameters_Are400WithFieldViolations_UnknownFunctions404()
    {
        using var bad = await Http.PostAsJsonAsync("/v1/functions/echo:invoke", new JsonObject { ["parameters"] = new JsonObject { ["count"] = 0 } });
        using var unknown = await Http.PostAsJsonAsync("/v1/functions/nope:invoke", new JsonObject());

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var violation = (await bad.Content.ReadFromJsonAsync<JsonObject>())!["details"]![0]!["fieldViolations"]![0]!;
        Assert.Equal("parameters.count", violation["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Invoke_Success_AnswersStatusDataAndExecutionTime()
    {
        var (status, body) = await InvokeAsync("""{"function": "echo", "params": {"message": "seed"}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("success", body["status"]!.GetValue<string>());
        Assert.Equal("seed", body["data"]!["message"]!.GetValue<string>());
        Assert.True(body["execution_time"]!.GetValue<double>() > 0);
    }

    [Theory]
    [InlineData("""{"function": "echo", """, HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("""[1, 2]""", HttpStatusCode.BadRequest, "must be a JSON object")]
    [InlineData("""{"parameters": {}}""", HttpStatusCode.BadRequest, "'function' is required")]
    [InlineData("""{"function": 7}""", HttpStatusCode.BadRequest, "'function' is required and must be a string")]
    [InlineData("""{"function": "echo", "parameters": [1]}""", HttpStatusCode.BadRequest, "'parameters' must be a JSON object")]
    [InlineData("""{"function": "echo", "parameters": {}, "params": {}}""", HttpStatusCode.BadRequest, "not both")]
    [InlineData("""{"function": "echo", "parameters": {"count": "many"}}""", HttpStatusCode.BadRequest, "parameters.count: must be an integer")]
    [InlineData("""{"function": "user-error"}""", HttpStatusCode.BadRequest, "features: expected 4 numbers")]
    [InlineData("""{"function": "echo", "parameters": {"ratio": 1e400}}""", HttpStatusCode.BadRequest, "'parameters' cannot be read")]
    [InlineData("""{"function": "echo", "function": "fail"}""", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("""{"function": "no-such-function"}""", HttpStatusCode.NotFound, "does not exist")]
    [InlineData("""{"function": "../etc"}""", HttpStatusCode.BadRequest, "function: must be")]
    [InlineData("""{"function": "toy-predictor"}""", HttpStatusCode.Conflict, "invoke 'toy-trainer' first")]
    [InlineData("""{"function": "fail"}""", HttpStatusCode.InternalServerError, "exited with code 3")]
    [InlineData("""{"function": "oom"}""", HttpStatusCode.InternalServerError, "ran out of memory")]
    [InlineData("""{"function": "sleep-forever"}""", HttpStatusCode.GatewayTimeout, "did not finish within its timeout")]
    public async Task Invoke_Failures_AreJsonErrorsWithAStatusThatSaysWhose(string json, HttpStatusCode expected, string message)
    {
        var (status, body) = await InvokeAsync(json);

        Assert.Equal(expected, status);
        Assert.Equal("error", body["status"]!.GetValue<string>());
        Assert.Contains(message, body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invoke_TooLargeOrTooDeep_IsRefusedAsJson()
    {
        var (large, largeBody) = await InvokeAsync("{\"function\": \"echo\", \"parameters\": {\"message\": \"" + new string('x', 2 * 1024 * 1024) + "\"}}");
        var (deep, deepBody) = await InvokeAsync("{\"function\": \"echo\", \"parameters\": " + new string('[', 40) + new string(']', 40) + "}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large);
        Assert.Equal("error", largeBody["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, deep);
        Assert.Contains("depth", deepBody["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/invoke")]
    [InlineData("/endpoints/none/predict")]
    [InlineData("/v2/models/none/infer")]
    [InlineData("/v1/functions/echo:invoke")]
    public async Task StreamedBodyOverTheLimit_Is413_BeforeItIsParsed(string path)
    {
        // 2 MiB of numbers, sent chunked (no Content-Length): the gateway must stop reading at 1 MiB.
        var numbers = Encoding.ASCII.GetBytes("{\"instances\": [" + string.Join(',', Enumerable.Repeat("1", 1024 * 1024)) + "]}");
        using var content = new StreamContent(new MemoryStream(numbers));
        content.Headers.ContentType = new("application/json");

        using var response = await Http.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task HealthAndDebug_ShowTheRunnerEngineRegistryAndImages()
    {
        using var health = await Http.GetAsync("/health");
        var debug = await Http.GetFromJsonAsync<JsonObject>("/debug");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(debug!["runner"]!["reachable"]!.GetValue<bool>());
        Assert.StartsWith("20.", debug["docker"]!["version"]!.GetValue<string>());
        Assert.Equal("embedded", debug["registry"]!["backend"]!.GetValue<string>());
        Assert.Contains(debug["functions"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "echo");
    }

    [Fact]
    public async Task RegistryRest_ListsModelsAndSetsAliases()
    {
        var model = RegistryTests.UniqueModel();
        await InvokeAsync("{\"function\": \"toy-trainer\", \"parameters\": {\"model_name\": \"" + model + "\"}}");

        using var alias = await Http.PutAsJsonAsync($"/v1/models/{model}/aliases/champion", new JsonObject { ["version"] = 1 });
        var models = await Http.GetFromJsonAsync<JsonObject>("/v1/models");
        using var missing = await Http.GetAsync("/v1/models/never_trained_model");

        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
        var entry = models!["models"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == model)!;
        Assert.Equal(1, entry["aliases"]!["champion"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> InvokeAsync(string json)
    {
        // Expect: 100-continue lets the gateway refuse an oversized body before it is sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        using var response = await Http.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }
}
