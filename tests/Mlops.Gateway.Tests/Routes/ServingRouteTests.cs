using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.Gateway.Tests.Hosting;
using Mlops.Keys;
using Mlops.ServiceDefaults.Security;
using Mlops.V1;
using static Mlops.Gateway.Tests.Routes.InvokeRouteTests;

namespace Mlops.Gateway.Tests.Routes;

/// <summary>
/// The data plane's protocols, each translated into the replica contract ({"instances": [...]} on the replica's
/// socket) and its answer into the protocol's own shape; errors in each protocol's own error shape.
/// </summary>
public sealed class ServingRouteTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    private const string Flower = "[5.1,3.5,1.4,0.2]";

    [Fact]
    public async Task Instances_PostToPredict_GoesToTheReplicaAsItIsAndItsAnswerComesBack()
    {
        using var client = gateway.Client(Roles.Predictor);

        using var response = await client.PostAsync($"/endpoints/{GatewayHost.Endpoint}/predict", Json($$"""{"instances":[{{Flower}}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""{"instances":[{{Flower}}]}""", gateway.Replica.LastBody);
        Assert.Equal("3", response.Headers.GetValues("X-Model-Version").Single());
        Assert.Equal("setosa", (await response.Content.ReadFromJsonAsync<JsonObject>())!["predictions"]![0]!["class"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mlflow_DataframeSplit_ReachesTheReplicaAsInstances()
    {
        using var client = gateway.Client(Roles.Predictor);

        using var response = await client.PostAsync($"/endpoints/{GatewayHost.Endpoint}/invocations",
            Json("""{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2], [3, 4]]}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"instances":[{"a":1,"b":2},{"a":3,"b":4}]}""", gateway.Replica.LastBody);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonObject>())!["predictions"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("nope", """{"instances": [[1]]}""", HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST")]
    [InlineData(GatewayHost.Endpoint, """{"instances": {"a": 1}}""", HttpStatusCode.BadRequest, "BAD_REQUEST")]
    public async Task Mlflow_Refusal_AnswersMlflowsErrorShape(string endpoint, string request, HttpStatusCode expected, string code)
    {
        using var client = gateway.Client(Roles.Predictor);

        using var response = await client.PostAsync($"/endpoints/{endpoint}/invocations", Json(request));

        Assert.Equal(expected, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(code, body["error_code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task V2Infer_Tensor_ReachesTheReplicaAsInstancesAndAnswersOutputTensors()
    {
        using var client = gateway.Client(Roles.Predictor);

        using var response = await client.PostAsync($"/v2/models/{GatewayHost.Endpoint}/infer",
            Json($$"""{"id": "r1", "inputs": [{"name": "input-0", "shape": [1, 4], "datatype": "FP32", "data": {{Flower}}}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""{"instances":[{{Flower}}]}""", gateway.Replica.LastBody);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("r1", body["id"]!.GetValue<string>());
        Assert.Equal("3", body["model_version"]!.GetValue<string>());
        Assert.Equal("setosa", body["outputs"]![0]!["data"]![0]!.GetValue<string>());
        Assert.Equal([0.75, 0.25], body["outputs"]![1]!["data"]!.AsArray().Select(p => p!.GetValue<double>()));
    }

    [Theory]
    [InlineData("/v2/models/nope/infer", """{"inputs": [{"name": "input-0", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}""", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/iris/infer", """{"inputs": []}""", HttpStatusCode.BadRequest)]
    [InlineData("/endpoints/nope/predict", """{"instances": [[1]]}""", HttpStatusCode.NotFound)]
    [InlineData("/endpoints/iris/predict", """{"instances": []}""", HttpStatusCode.BadRequest)]
    public async Task Refusal_AnswersAnErrorObject(string path, string request, HttpStatusCode expected)
    {
        using var client = gateway.Client(Roles.Predictor);

        using var response = await client.PostAsync(path, Json(request));

        Assert.Equal(expected, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(Roles.Viewer, HttpStatusCode.Forbidden)]
    public async Task Predict_WithoutThePredictPermission_IsRefusedBeforeTheReplica(string? role, HttpStatusCode expected)
    {
        using var client = gateway.Client(role);

        using var response = await client.PostAsync($"/endpoints/{GatewayHost.Endpoint}/predict", Json("""{"instances":[[0,0,0,0]]}"""));

        Assert.Equal(expected, response.StatusCode);
        Assert.NotEqual("""{"instances":[[0,0,0,0]]}""", gateway.Replica.LastBody);
    }

    [Fact]
    public async Task GrpcPredict_Values_ReachTheReplicaAsInstancesAndComeBackAsValues()
    {
        using var channel = gateway.Channel();
        var client = new Endpoints.EndpointsClient(channel);
        var request = new PredictRequest { Endpoint = GatewayHost.Endpoint, Instances = { Value.ForList(Value.ForNumber(5.1), Value.ForNumber(3.5), Value.ForNumber(1.4), Value.ForNumber(0.2)) } };

        var response = await client.PredictAsync(request, Key(Roles.Predictor), deadline: DateTime.UtcNow.AddSeconds(20));

        Assert.Equal($$"""{"instances":[{{Flower}}]}""", gateway.Replica.LastBody);
        Assert.Equal("iris-1", response.ReplicaId);
        Assert.Equal("3", response.ModelVersion);
        Assert.Equal("setosa", Assert.Single(response.Predictions).StructValue.Fields["class"].StringValue);
    }

    [Fact]
    public async Task TranscodedPredict_PostV1EndpointsPredict_ReachesTheReplicaAsInstancesAndAnswersPredictions()
    {
        using var client = gateway.Client(Roles.Predictor);

        using var response = await client.PostAsync($"/v1/endpoints/{GatewayHost.Endpoint}:predict", Json($$"""{"instances":[{{Flower}}, {"petal": 1e-7}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""{"instances":[{{Flower}},{"petal":1E-07}]}""", gateway.Replica.LastBody);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("iris-1", body["replicaId"]!.GetValue<string>());
        Assert.Equal(2, body["predictions"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(double.NaN, "nope", StatusCode.InvalidArgument)]
    [InlineData(1, "nope", StatusCode.NotFound)]
    public async Task GrpcPredict_Refusal_IsAPreciseStatus(double number, string endpoint, StatusCode expected)
    {
        using var channel = gateway.Channel();
        var client = new Endpoints.EndpointsClient(channel);
        var request = new PredictRequest { Endpoint = endpoint, Instances = { Value.ForList(Value.ForNumber(number)) } };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.PredictAsync(request, Key(Roles.Predictor), deadline: DateTime.UtcNow.AddSeconds(20)));

        Assert.Equal(expected, error.StatusCode);
    }

    private Metadata Key(string role) => new() { { "authorization", $"Bearer {gateway.Key(role)}" } };
}
