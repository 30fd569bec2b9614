using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Mlops.Gateway.Tests.Hosting;
using Mlops.Keys;
using Mlops.ServiceDefaults.Security;
using Mlops.V1;
using static Mlops.Gateway.Tests.Routes.InvokeRouteTests;

namespace Mlops.Gateway.Tests.Routes;

/// <summary>The REST routes that JSON transcoding makes of the protos: path and body into the runner's request, its answer back.</summary>
public sealed class TranscodedRouteTests(GatewayHost gateway) : IClassFixture<GatewayHost>, IDisposable
{
    [Fact]
    public async Task ListFunctions_GetV1Functions_ForwardsWithTheCallersKey()
    {
        using var client = gateway.Client(Roles.Viewer);

        var body = await client.GetFromJsonAsync<JsonObject>("/v1/functions");

        Assert.Equal("train", body!["functions"]![0]!["name"]!.GetValue<string>());
        Assert.Equal($"Bearer {gateway.Key(Roles.Viewer)}", Assert.Single(gateway.Runner.Calls).Authorization);
    }

    [Fact]
    public async Task GetModel_NameFromThePath_ReachesTheRegistry()
    {
        using var client = gateway.Client(Roles.Viewer);

        var body = await client.GetFromJsonAsync<JsonObject>("/v1/models/iris_model");

        Assert.Equal("iris_model", gateway.Runner.Single<GetModelRequest>("GetModel").Name);
        Assert.Equal(3, body!["latestVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task SetModelAlias_PathAndBody_MakeOneRequest()
    {
        using var client = gateway.Client(Roles.Admin);

        using var response = await client.PutAsync("/v1/models/iris_model/aliases/champion", Json("""{"version": 3}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new SetModelAliasRequest { Name = "iris_model", Alias = "champion", Version = 3 }, gateway.Runner.Single<SetModelAliasRequest>("SetModelAlias"));
    }

    [Fact]
    public async Task Keys_CreateAndRevoke_ReachTheRunnerForAnAdmin()
    {
        using var client = gateway.Client(Roles.Admin);

        using var created = await client.PostAsync("/v1/keys", Json("""{"name": "ci", "role": "predictor"}"""));
        using var revoked = await client.DeleteAsync("/v1/keys/k1");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("mlops_secret", (await created.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>());
        Assert.Equal(new CreateKeyRequest { Name = "ci", Role = "predictor" }, gateway.Runner.Single<CreateKeyRequest>("CreateKey"));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("k1", gateway.Runner.Single<RevokeKeyRequest>("RevokeKey").Id);
    }

    [Theory]
    [InlineData(Roles.Developer, "/v1/keys")]
    [InlineData(Roles.Viewer, "/v1/models/iris_model/aliases/champion")]
    public async Task AdminRoutes_OtherRoles_Are403BeforeTheRunner(string role, string path)
    {
        using var client = gateway.Client(role);

        using var response = path == "/v1/keys"
            ? await client.PostAsync(path, Json("""{"name": "ci", "role": "admin"}"""))
            : await client.PutAsync(path, Json("""{"version": 3}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(gateway.Runner.Calls);
    }

    [Fact]
    public async Task AnyRoute_WithAnUnknownKey_Is401()
    {
        using var client = gateway.Client(role: null);
        client.DefaultRequestHeaders.Authorization = new("Bearer", "mlops_not-a-key");

        using var response = await client.GetAsync("/v1/functions");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(gateway.Runner.Calls);
    }

    [Theory]
    [InlineData(StatusCode.NotFound, HttpStatusCode.NotFound)]
    [InlineData(StatusCode.FailedPrecondition, HttpStatusCode.BadRequest)]
    [InlineData(StatusCode.PermissionDenied, HttpStatusCode.Forbidden)]
    [InlineData(StatusCode.ResourceExhausted, HttpStatusCode.TooManyRequests)]
    [InlineData(StatusCode.Unavailable, HttpStatusCode.ServiceUnavailable)]
    public async Task RunnerRefusal_AnswersGrpcsHttpMappingAndItsStatusShape(StatusCode status, HttpStatusCode expected)
    {
        gateway.Runner.Failure = new RpcException(new Grpc.Core.Status(status, "there is no model 'iris_model'"));
        using var client = gateway.Client(Roles.Viewer);

        using var response = await client.GetAsync("/v1/models/iris_model");

        Assert.Equal(expected, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((int)status, body["code"]!.GetValue<int>());
        Assert.Equal("there is no model 'iris_model'", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunnerRefusal_FieldViolations_ReachTheCallerAsJsonDetails()
    {
        var details = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = "role: must be one of admin, developer, predictor, viewer",
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = "role", Description = "must be one of admin, developer, predictor, viewer" } } }) },
        };
        gateway.Runner.Failure = details.ToRpcException();
        using var client = gateway.Client(Roles.Admin);

        using var response = await client.PostAsync("/v1/keys", Json("""{"name": "ci", "role": "root"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var violation = body["details"]![0]!["fieldViolations"]![0]!;
        Assert.Equal("role", violation["field"]!.GetValue<string>());
    }

    public void Dispose() => gateway.Runner.Reset();
}
