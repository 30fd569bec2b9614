using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inference;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

/// <summary>One endpoint on a real replica, asked in every protocol the gateway speaks.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingProtocolTests(ServingFixture fixture) : IAsyncLifetime
{
    private static readonly JsonArray Setosa = [5.1, 3.5, 1.4, 0.2];
    private readonly string _name = $"proto-{Guid.NewGuid():N}"[..14];

    public async Task InitializeAsync()
    {
        var endpoint = await fixture.PutAsync(_name);
        Assert.Equal("ENDPOINT_STATE_READY", endpoint["state"]!.GetValue<string>());
    }

    public async Task DisposeAsync() => await fixture.DeleteAsync(_name);

    [Fact]
    public async Task Instances_AsListsOrNamedFeatures_AreClassified_WithTheVersionThatAnswered()
    {
        using var response = await fixture.Gateway.Http.PostAsJsonAsync($"/endpoints/{_name}/predict", new JsonObject
        {
            ["instances"] = new JsonArray(Setosa.DeepClone(), new JsonObject { ["sepal_length"] = 6.7, ["sepal_width"] = 3.0, ["petal_length"] = 5.2, ["petal_width"] = 2.3 }),
        });

        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["setosa", "virginica"], answer["predictions"]!.AsArray().Select(p => p!["class"]!.GetValue<string>()));
        Assert.Equal("1", answer["model_version"]!.GetValue<string>());
        Assert.Equal("1", response.Headers.GetValues("X-Model-Version").Single());
    }

    [Theory]
    [InlineData("""{"dataframe_split": {"columns": ["sepal_length", "sepal_width", "petal_length", "petal_width"], "data": [[5.1, 3.5, 1.4, 0.2]]}}""")]
    [InlineData("""{"dataframe_records": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}""")]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}""")]
    [InlineData("""{"inputs": [[5.1, 3.5, 1.4, 0.2]]}""")]
    public async Task MlflowInvocations_EveryInputFormat_Predicts(string body)
    {
        using var response = await fixture.Gateway.Http.PostAsync($"/endpoints/{_name}/invocations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("setosa", answer["predictions"]![0]!["class"]!.GetValue<string>());
    }

    [Fact]
    public async Task V2Rest_HealthMetadataReadyAndInfer_FollowTheOpenInferenceProtocol()
    {
        var http = fixture.Gateway.Http;
        Assert.True((await http.GetFromJsonAsync<JsonObject>("/v2/health/live"))!["live"]!.GetValue<bool>());
        Assert.True((await http.GetFromJsonAsync<JsonObject>("/v2/health/ready"))!["ready"]!.GetValue<bool>());
        Assert.True((await http.GetFromJsonAsync<JsonObject>($"/v2/models/{_name}/ready"))!["ready"]!.GetValue<bool>());
        var metadata = (await http.GetFromJsonAsync<JsonObject>($"/v2/models/{_name}"))!;
        Assert.Equal((_name, "1"), (metadata["name"]!.GetValue<string>(), metadata["versions"]![0]!.GetValue<string>()));

        using var response = await http.PostAsJsonAsync($"/v2/models/{_name}/infer", new JsonObject
        {
            ["id"] = "req-1",
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "any-name", ["shape"] = new JsonArray(2, 4), ["datatype"] = "FP64", ["data"] = new JsonArray(5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3) }),
        });

        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("req-1", _name, "1"), (answer["id"]!.GetValue<string>(), answer["model_name"]!.GetValue<string>(), answer["model_version"]!.GetValue<string>()));
        var label = answer["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "class")!;
        Assert.Equal(["setosa", "virginica"], label["data"]!.AsArray().Select(v => v!.GetValue<string>()));
        var probabilities = answer["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "probabilities")!;
        Assert.Equal([2, 3], probabilities["shape"]!.AsArray().Select(v => v!.GetValue<int>()));
    }

    [Fact]
    public async Task V2Grpc_WithTypedContentsAndWithRawBytes_Infers()
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(fixture.GatewayGrpc);
        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = _name })).Ready);
        var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = _name });
        Assert.Equal(["1"], metadata.Versions);

        var typed = new ModelInferRequest { ModelName = _name, Id = "typed" };
        typed.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input-0", Datatype = "FP32", Shape = { 1, 4 }, Contents = new InferTensorContents { Fp32Contents = { 5.1f, 3.5f, 1.4f, 0.2f } } });
        var raw = new ModelInferRequest { ModelName = _name, Id = "raw" };
        raw.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 1, 4 } });
        var bytes = new byte[16];
        foreach (var (value, i) in new[] { 6.7f, 3.0f, 5.2f, 2.3f }.Select((v, i) => (v, i)))
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), value);
        }

        raw.RawInputContents.Add(ByteString.CopyFrom(bytes));

        var first = await client.ModelInferAsync(typed);
        var second = await client.ModelInferAsync(raw);

        Assert.Equal(("typed", "1", "setosa"), (first.Id, first.ModelVersion, first.Outputs.Single(o => o.Name == "class").Contents.BytesContents[0].ToStringUtf8()));
        Assert.Equal("virginica", second.Outputs.Single(o => o.Name == "class").Contents.BytesContents[0].ToStringUtf8());
    }

    [Fact]
    public async Task MlopsPredict_OverGrpc_SaysWhichReplicaAndVersionAnswered()
    {
        var client = new Endpoints.EndpointsClient(fixture.GatewayGrpc);

        var answer = await client.PredictAsync(new PredictRequest { Endpoint = _name, Instances = { Value.ForList(Value.ForNumber(5.1), Value.ForNumber(3.5), Value.ForNumber(1.4), Value.ForNumber(0.2)) } });

        Assert.Equal("setosa", answer.Predictions[0].StructValue.Fields["class"].StringValue);
        Assert.Equal(("1", fixture.Model), (answer.ModelVersion, answer.ModelName));
        Assert.NotEmpty(answer.ReplicaId);
    }

    [Theory]
    [InlineData("predict", """{"instances": [[5.1, 3.5]]}""", "instances[0] has 2 values")]
    [InlineData("predict", """{"instances": [[5.1, "x", 1.4, 0.2]]}""", "instances[0][1] must be a number")]
    [InlineData("predict", """{"features": [5.1, 3.5, 1.4, 0.2]}""", "instances: give a list")]
    [InlineData("predict", """[1, 2]""", "must be a JSON object")]
    [InlineData("predict", """{"instances": """, "not valid JSON")]
    [InlineData("invocations", """{"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}}""", "dataframe_split.data[0]")]
    [InlineData("invocations", """{"instances": [], "inputs": []}""", "give only one of")]
    public async Task BadInstances_Are400sThatSayWhatIsWrong(string route, string body, string expected)
    {
        using var response = await fixture.Gateway.Http.PostAsync($"/endpoints/{_name}/{route}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task V2_WrongShapeOrType_IsInvalidArgument_OverRestAndGrpc()
    {
        using var rest = await fixture.Gateway.Http.PostAsJsonAsync($"/v2/models/{_name}/infer", new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "x", ["shape"] = new JsonArray(1, 4), ["datatype"] = "FP32", ["data"] = new JsonArray(1, 2, 3) }),
        });
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(fixture.GatewayGrpc);
        var bytes = new ModelInferRequest { ModelName = _name };
        bytes.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "BYTES", Shape = { 1 } });

        var grpc = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(bytes).ResponseAsync);

        Assert.Equal(HttpStatusCode.BadRequest, rest.StatusCode);
        Assert.Contains("needs 4 values; the data has 3", await rest.Content.ReadAsStringAsync());
        Assert.Equal(StatusCode.InvalidArgument, grpc.StatusCode);
        Assert.Contains("'BYTES' is not supported", grpc.Status.Detail);
    }

    [Fact]
    public async Task UnknownEndpoint_Is404InEveryProtocol()
    {
        var http = fixture.Gateway.Http;
        using var seed = await http.PostAsJsonAsync("/endpoints/nope/predict", new JsonObject { ["instances"] = new JsonArray(Setosa.DeepClone()) });
        using var mlflow = await http.PostAsJsonAsync("/endpoints/nope/invocations", new JsonObject { ["instances"] = new JsonArray(Setosa.DeepClone()) });
        using var v2 = await http.GetAsync("/v2/models/nope/ready");
        using var control = await http.GetAsync("/v1/endpoints/nope");
        var grpc = await Assert.ThrowsAsync<RpcException>(() =>
            new GRPCInferenceService.GRPCInferenceServiceClient(fixture.GatewayGrpc).ModelReadyAsync(new ModelReadyRequest { Name = "nope" }).ResponseAsync);

        Assert.All(new[] { seed, mlflow, v2, control }, response => Assert.Equal(HttpStatusCode.NotFound, response.StatusCode));
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await mlflow.Content.ReadFromJsonAsync<JsonObject>())!["error_code"]!.GetValue<string>());
        Assert.Equal(StatusCode.NotFound, grpc.StatusCode);
    }
}
