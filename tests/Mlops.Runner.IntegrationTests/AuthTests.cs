using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using V1 = Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

/// <summary>
/// Who may do what, over the real gateway and runner with keys issued by the Keys service. Each row of the
/// matrix is one role × one operation; a status other than 401/403 means the call got past the check (a
/// 404 for an endpoint that does not exist is such a pass).
/// </summary>
[Collection(RunnerCollection.Name)]
public sealed class AuthTests(RunnerFixture fixture) : IAsyncLifetime
{
    private readonly Dictionary<string, string?> _keys = new() { ["none"] = null, ["bogus"] = "mlops_not-a-key" };

    public async Task InitializeAsync()
    {
        var keys = new V1.Keys.KeysClient(fixture.Host.Channel);
        foreach (var role in new[] { "admin", "developer", "predictor", "viewer" })
        {
            _keys[role] = (await keys.CreateKeyAsync(new V1.CreateKeyRequest { Name = $"auth-test {role}", Role = role })).Secret;
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, string, int> Matrix => new()
    {
        // Probes need no key.
        { "none", "GET", "/health", 200 },
        { "none", "GET", "/v2/health/live", 200 },
        // Reading: admin, developer, viewer.
        { "none", "GET", "/v1/functions", 401 },
        { "bogus", "GET", "/v1/functions", 401 },
        { "viewer", "GET", "/v1/functions", 200 },
        { "developer", "GET", "/v1/invocations", 200 },
        { "predictor", "GET", "/v1/functions", 403 },
        { "viewer", "GET", "/debug", 200 },
        { "predictor", "GET", "/debug", 403 },
        // Invoking (and so training): admin, developer.
        { "developer", "POST", "/invoke", 200 },
        { "admin", "POST", "/invoke", 200 },
        { "viewer", "POST", "/invoke", 403 },
        { "predictor", "POST", "/invoke", 403 },
        { "none", "POST", "/invoke", 401 },
        // Deploying: admin, developer (a 404 here: no such model, past the check).
        { "developer", "PUT", "/v1/endpoints/auth-test", 404 },
        { "viewer", "PUT", "/v1/endpoints/auth-test", 403 },
        { "predictor", "PUT", "/v1/endpoints/auth-test", 403 },
        // Deleting endpoints: admin, developer (its own: the runner checks whose; a 404 here, past the check).
        { "admin", "DELETE", "/v1/endpoints/auth-test", 404 },
        { "developer", "DELETE", "/v1/endpoints/auth-test", 404 },
        { "viewer", "DELETE", "/v1/endpoints/auth-test", 403 },
        // Admin only: builds, aliases, keys.
        { "developer", "POST", "/v1/functions/echo:build", 403 },
        { "admin", "POST", "/v1/functions/echo:build", 200 },
        { "developer", "PUT", "/v1/models/iris_model/aliases/champion", 403 },
        { "developer", "GET", "/v1/keys", 403 },
        { "viewer", "POST", "/v1/keys", 403 },
        { "admin", "GET", "/v1/keys", 200 },
        // Predictions: admin, developer, predictor (404: no such endpoint, past the check).
        { "predictor", "POST", "/endpoints/auth-test/predict", 404 },
        { "predictor", "POST", "/v2/models/auth-test/infer", 404 },
        { "developer", "POST", "/endpoints/auth-test/invocations", 404 },
        { "viewer", "POST", "/endpoints/auth-test/predict", 403 },
        { "none", "POST", "/v2/models/auth-test/infer", 401 },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Rest_RoleTimesOperation_IsAllowedOrRefusedAsJson(string role, string method, string path, int expected)
    {
        using var http = fixture.Gateway.HttpWith(_keys[role]);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(Body(path));
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, (int)response.StatusCode);
        if (expected is 401 or 403)
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(expected == 401 ? "UNAUTHENTICATED" : "PERMISSION_DENIED", error["code"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(error["error"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Grpc_ToTheRunner_MissingKeyIsUnauthenticated_WrongRoleIsPermissionDenied()
    {
        using var anonymous = fixture.Host.ChannelWith(null);
        using var viewer = fixture.Host.ChannelWith(_keys["viewer"]);
        using var developer = fixture.Host.ChannelWith(_keys["developer"]);

        var none = await Assert.ThrowsAsync<RpcException>(() => new V1.Runner.RunnerClient(anonymous).ListFunctionsAsync(new V1.ListFunctionsRequest()).ResponseAsync);
        var invoke = await InvokeCall.RunAsync(new V1.Runner.RunnerClient(viewer), "echo");
        var keys = await Assert.ThrowsAsync<RpcException>(() => new V1.Keys.KeysClient(developer).ListKeysAsync(new V1.ListKeysRequest()).ResponseAsync);
        var listed = await new V1.Runner.RunnerClient(viewer).ListFunctionsAsync(new V1.ListFunctionsRequest());

        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        Assert.Contains("Authorization: Bearer", none.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, invoke.Error?.StatusCode);
        Assert.Empty(invoke.Events);
        Assert.Equal(StatusCode.PermissionDenied, keys.StatusCode);
        Assert.Contains("admin", keys.Status.Detail);
        Assert.NotEmpty(listed.Functions);
    }

    [Fact]
    public async Task Reflection_OnTheRunner_ListsItsServicesToAKeyThatMayRead_ButNotToAPredictorOrWithoutAKey()
    {
        using var anonymous = fixture.Host.ChannelWith(null);
        using var predictor = fixture.Host.ChannelWith(_keys["predictor"]);
        using var viewer = fixture.Host.ChannelWith(_keys["viewer"]);

        var refused = await Assert.ThrowsAsync<RpcException>(() => Reflection.ListServicesAsync(anonymous));
        var denied = await Assert.ThrowsAsync<RpcException>(() => Reflection.ListServicesAsync(predictor));
        var services = await Reflection.ListServicesAsync(viewer);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(["grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection", "mlops.v1.Endpoints", "mlops.v1.Keys", "mlops.v1.Pipelines", "mlops.v1.Registry", "mlops.v1.Runner"],
            services.Where(s => s != "grpc.reflection.v1.ServerReflection"));
    }

    [Fact]
    public async Task Keys_AreListedWithoutSecrets_AndARevokedKeyStopsWorking()
    {
        var keys = new V1.Keys.KeysClient(fixture.Host.Channel);
        var created = await keys.CreateKeyAsync(new V1.CreateKeyRequest { Name = "short-lived", Role = "viewer" });
        using var http = fixture.Gateway.HttpWith(created.Secret);
        using (var before = await http.GetAsync("/v1/functions"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var listed = await fixture.Gateway.Http.GetStringAsync("/v1/keys");
        var revoked = await keys.RevokeKeyAsync(new V1.RevokeKeyRequest { Id = created.Key.Id });

        Assert.Contains(created.Key.Id, listed);
        Assert.DoesNotContain(created.Secret, listed);
        Assert.NotNull(revoked.RevokeTime);
        // Each service remembers a verified key for a few seconds (Auth:CacheSeconds, 5 by default).
        var status = HttpStatusCode.OK;
        for (var deadline = DateTime.UtcNow.AddSeconds(20); status != HttpStatusCode.Unauthorized && DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            using var after = await http.GetAsync("/v1/functions");
            status = after.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [InlineData("", "viewer", "name")]
    [InlineData("ci", "root", "role")]
    [InlineData("ci", "service", "role")]
    public async Task CreateKey_BadNameOrRole_IsInvalidArgumentNamingTheField(string name, string role, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new V1.Keys.KeysClient(fixture.Host.Channel).CreateKeyAsync(new V1.CreateKeyRequest { Name = name, Role = role }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field, error.Status.Detail);
    }

    private static JsonObject Body(string path) => path switch
    {
        "/invoke" => new JsonObject { ["function"] = "echo" },
        "/v1/keys" => new JsonObject { ["name"] = "never", ["role"] = "viewer" },
        "/v1/endpoints/auth-test" => new JsonObject { ["modelName"] = "no_such_model_auth", ["function"] = "predict" },
        "/v1/models/iris_model/aliases/champion" => new JsonObject { ["version"] = 1 },
        _ when path.StartsWith("/v2/", StringComparison.Ordinal) => new JsonObject
        {
            ["inputs"] = new JsonArray { new JsonObject { ["name"] = "input-0", ["shape"] = new JsonArray(1, 4), ["datatype"] = "FP32", ["data"] = new JsonArray(5.1, 3.5, 1.4, 0.2) } },
        },
        _ => new JsonObject { ["instances"] = new JsonArray { new JsonArray(5.1, 3.5, 1.4, 0.2) } },
    };
}
