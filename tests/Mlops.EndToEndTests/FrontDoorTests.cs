using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Mlops.V1;

namespace Mlops.EndToEndTests;

/// <summary>What NGINX must do: pass streams through line by line, route gRPC to the runner, serve the UI.</summary>
[Collection(RunnerCollection.Name)]
public sealed class FrontDoorTests(RunnerFixture fixture) : IAsyncLifetime
{
    private FrontDoor _door = null!;

    // "MLflow" here is the gateway itself: what is tested is that only an admin's key gets through to it.
    public async Task InitializeAsync() => _door = await FrontDoor.StartAsync(fixture.Gateway.Address, fixture.Host.Address, mlflowUri: fixture.Gateway.Address, gatewayGrpcAddress: fixture.Gateway.GrpcAddress);

    public async Task DisposeAsync() => await _door.DisposeAsync();

    [Fact]
    public async Task RestStream_ThroughNginx_ArrivesLineByLineNotBuffered()
    {
        using var http = BearerHandler.Client(_door.Url, fixture.Host.AdminKey, TimeSpan.FromMinutes(2));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/functions/print-sleep:invoke") { Content = JsonContent.Create(new JsonObject()) };
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        TimeSpan? first = null, completed = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Contains("\"line\":\"first\"", StringComparison.Ordinal))
            {
                first = clock.Elapsed;
            }

            if (line.Contains("\"completed\"", StringComparison.Ordinal))
            {
                completed = clock.Elapsed;
            }
        }

        Assert.NotNull(first);
        Assert.True(completed - first >= TimeSpan.FromSeconds(1.5), $"first line at {first}, completed at {completed}");
    }

    [Fact]
    public async Task Grpc_ThroughNginx_ReachesTheRunner()
    {
        using var channel = GrpcChannel.ForAddress(_door.GrpcUrl, new GrpcChannelOptions { HttpHandler = new BearerHandler(fixture.Host.AdminKey) });
        var client = new Mlops.V1.Runner.RunnerClient(channel);

        var functions = await client.ListFunctionsAsync(new ListFunctionsRequest());
        var call = await InvokeCall.RunAsync(client, "echo");

        Assert.Contains(functions.Functions, f => f.Name == "echo");
        Assert.Null(call.Error);
        Assert.Equal(InvocationStatus.Succeeded, call.Completed.Status);
    }

    [Fact]
    public async Task Reflection_ThroughNginx_ListsEveryServiceOfTheGrpcPort_AndDescribesThem()
    {
        using var channel = GrpcChannel.ForAddress(_door.GrpcUrl, new GrpcChannelOptions { HttpHandler = new BearerHandler(fixture.Host.AdminKey) });

        var services = await Reflection.ListServicesAsync(channel);
        var files = await Reflection.FilesOfAsync(channel, "inference.GRPCInferenceService");

        foreach (var service in new[] { "inference.GRPCInferenceService", "mlops.v1.Runner", "mlops.v1.Registry", "mlops.v1.Endpoints", "mlops.v1.Keys" })
        {
            Assert.Contains(service, services);
        }

        Assert.Contains(files, file => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(file).Name == "inference/grpc_predict_v2.proto");
    }

    [Fact]
    public async Task InvokeAndUi_ThroughNginx_AreServed()
    {
        using var http = BearerHandler.Client(_door.Url, fixture.Host.AdminKey);

        using var page = await http.GetAsync("/");
        using var invoke = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "echo", ["parameters"] = new JsonObject { ["message"] = "door" } });
        using var missing = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "nope" });

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>Mlops", await page.Content.ReadAsStringAsync());
        Assert.Equal("door", (await invoke.Content.ReadFromJsonAsync<JsonObject>())!["data"]!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ForeignHostName_IsRefusedAsJson_BeforeAnythingElse()
    {
        using var http = BearerHandler.Client(_door.Url, fixture.Host.AdminKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/debug");
        request.Headers.Host = "attacker.example";

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        Assert.Equal("MISDIRECTED_REQUEST", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task CrossSiteBrowserPost_IsRefused_ButTheUisOwnOriginIsServed()
    {
        using var http = BearerHandler.Client(_door.Url, fixture.Host.AdminKey);

        using var foreign = await PostWithOriginAsync(http, "http://attacker.example");
        using var own = await PostWithOriginAsync(http, _door.Url);

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal("FORBIDDEN_ORIGIN", (await foreign.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task BodyOver8MB_IsA413InJson_FromNginxItself()
    {
        using var http = BearerHandler.Client(_door.Url, fixture.Host.AdminKey);

        using var response = await http.PostAsync("/invoke", new ByteArrayContent(new byte[9 * 1024 * 1024]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("PAYLOAD_TOO_LARGE", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("viewer", HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task Mlflow_IsAdminOnly(string? role, HttpStatusCode expected)
    {
        var key = role switch
        {
            "admin" => fixture.Host.AdminKey,
            null => null,
            _ => (await new Mlops.V1.Keys.KeysClient(fixture.Host.Channel).CreateKeyAsync(new CreateKeyRequest { Name = "mlflow test", Role = role })).Secret,
        };
        using var http = BearerHandler.Client(_door.Url, key);

        using var response = await http.GetAsync("/mlflow/health");

        Assert.Equal(expected, response.StatusCode);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Mlflow_WhenThereIsNone_IsA404InJson_NotTheWebUisPage()
    {
        await using var door = await FrontDoor.StartAsync(fixture.Gateway.Address, fixture.Host.Address);
        using var http = BearerHandler.Client(door.Url, fixture.Host.AdminKey);

        using var response = await http.GetAsync("/mlflow/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("NOT_FOUND", body!["code"]!.GetValue<string>());
        Assert.Contains("--mlflow", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PostWithOriginAsync(HttpClient http, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = JsonContent.Create(new JsonObject { ["function"] = "echo" }) };
        request.Headers.Add("Origin", origin);
        return http.SendAsync(request);
    }
}
