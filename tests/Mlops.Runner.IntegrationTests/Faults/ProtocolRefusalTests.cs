using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Inference;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests.Faults;

/// <summary>
/// Malformed, ambiguous and out-of-range requests in every serving protocol, through a real gateway to a real
/// replica: each is a 4xx (or InvalidArgument) in the protocol's own error shape naming the field; none is a 5xx.
/// </summary>
[Collection(DataPlaneFixture.Collection)]
public sealed class ProtocolRefusalTests(DataPlaneFixture fixture) : IAsyncLifetime
{
    private const string Tensor = """{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}""";
    private readonly string _name = $"refuse-{Guid.NewGuid():N}"[..15];
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = GatewayHost.Start(fixture.Host);
        await DataPlaneFixture.PutAsync(_gateway, _name, "predict", fixture.IrisModel);
    }

    public async Task DisposeAsync()
    {
        (await _gateway.Http.DeleteAsync($"/v1/endpoints/{_name}")).EnsureSuccessStatusCode();
        await _gateway.DisposeAsync();
    }

    [Theory]
    [InlineData("", "application/json", 400, "not valid JSON")]
    [InlineData("instances=1", "application/x-www-form-urlencoded", 400, "not valid JSON")]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4, 0.2]], "instances": []}""", "application/json", 400, "Duplicate property 'instances'")]
    [InlineData("""[[5.1, 3.5, 1.4, 0.2]]""", "application/json", 400, "must be a JSON object")]
    [InlineData("""{"instances": []}""", "application/json", 400, "instances: give at least one instance")]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4, 0.2]], "parameters": {}}""", "application/json", 400, "parameters: is not a field")]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4]]}""", "application/json", 400, "instances[0]")]
    [InlineData("""{"instances": [["a", 3.5, 1.4, 0.2]]}""", "application/json", 400, "instances[0]")]
    [InlineData("""{"instances": [[1e400, 3.5, 1.4, 0.2]]}""", "application/json", 400, "instances[0]")]
    [InlineData("""{"instances": [null]}""", "application/json", 400, "instances[0]")]
    [InlineData("""{"instances": [{"sepal_length": "x", "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}""", "application/json", 400, "instances[0]")]
    [InlineData("""{"instances": [[[5.1], 3.5, 1.4, 0.2]]}""", "application/json", 400, "instances[0]")]
    [InlineData("5.1,3.5,1.4,0.2", "text/csv", 415, "Content-Type")]
    public async Task Instances_BadRequest_IsA4xxErrorNamingTheField(string body, string type, int status, string expected)
    {
        var (code, answer) = await PostAsync("predict", body, type);

        Assert.Equal(status, code);
        Assert.Contains(expected, answer["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", "application/json", 400, "not valid JSON")]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4, 0.2]], "inputs": [[5.1, 3.5, 1.4, 0.2]]}""", "application/json", 400, "give only one of instances, inputs")]
    [InlineData("""{"dataframe_split": {"columns": ["a"], "data": [[1]]}, "dataframe_split": {}}""", "application/json", 400, "Duplicate property")]
    [InlineData("""{"dataframe_split": {"columns": [1, 2, 3, 4], "data": [[5.1, 3.5, 1.4, 0.2]]}}""", "application/json", 400, "dataframe_split.columns[0]")]
    [InlineData("""{"dataframe_records": [[5.1, 3.5, 1.4, 0.2]]}""", "application/json", 400, "dataframe_records[0]")]
    [InlineData("""{"inputs": [["a", 3.5, 1.4, 0.2]]}""", "application/json", 400, "instances[0]")]
    [InlineData("""{"inputs": [[5.1, 3.5, 1.4, 0.2]], "params": {"top_k": 1}}""", "application/json", 400, "params")]
    [InlineData("""{"data": [[5.1, 3.5, 1.4, 0.2]]}""", "application/json", 400, "data: is not a field")]
    [InlineData("sepal_length\n5.1", "text/csv", 415, "Content-Type")]
    public async Task MlflowInvocations_BadRequest_IsA4xxInMlflowsShapeNamingTheField(string body, string type, int status, string expected)
    {
        var (code, answer) = await PostAsync("invocations", body, type);

        Assert.Equal(status, code);
        Assert.Equal("BAD_REQUEST", answer["error_code"]!.GetValue<string>());
        Assert.Contains(expected, answer["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", 400, "not valid JSON")]
    [InlineData($$"""{"inputs": [{{Tensor}}, {{Tensor}}]}""", 400, "inputs: the model takes 1 input tensor; the request has 2")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [4611686018427387904, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", 400, "inputs[0].shape")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3]}]}""", 400, "inputs[0].data: the shape [1, 4] needs 4 values")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "BYTES", "data": ["a", "b", "c", "d"]}]}""", 400, "inputs[0].datatype")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 1e400, 4]}]}""", 400, "inputs[0].data[2]")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, null, 3, 4]}]}""", 400, "inputs[0].data[1]")]
    [InlineData("binary tensor", 415, "Content-Type", "application/octet-stream")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [[1, 2], [3]]}]}""", 400, "inputs[0].data[1]")]
    [InlineData($$"""{"id": 7, "inputs": [{{Tensor}}]}""", 400, "id: must be a string")]
    [InlineData($$"""{"inputs": [{{Tensor}}], "inputs": []}""", 400, "Duplicate property 'inputs'")]
    [InlineData($$"""{"inputs": [{{Tensor}}], "outputs": [{"name": "logits"}]}""", 400, "outputs[0].name")]
    public async Task V2Rest_BadRequest_IsA4xxErrorNamingTheField(string body, int status, string expected, string type = "application/json")
    {
        var (code, answer) = await PostAsync("infer", body, type);

        Assert.Equal(status, code);
        Assert.Contains(expected, answer["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task V2Grpc_AndMlopsPredict_BadRequests_AreInvalidArgumentNamingTheField()
    {
        using var channel = GrpcChannel.ForAddress(_gateway.GrpcAddress, new GrpcChannelOptions { HttpHandler = new BearerHandler(fixture.Host.AdminKey) });
        var inference = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var nan = Infer(new[] { "x" });
        nan.RawInputContents.Add(ByteString.CopyFrom([.. BitConverter.GetBytes(float.NaN), .. new byte[12]]));
        var cases = new (ModelInferRequest Request, string Field)[]
        {
            (Infer(["x", "y"], fp32: true), "inputs: the model takes 1 input tensor; the request has 2"),
            (Infer(["x"], fp32: true, shape: [1L << 62, 4]), "inputs[0].shape"),
            (Infer(["x"], fp32: true, shape: [1, 3]), "inputs[0].contents: the shape [1, 3] needs 3 values"),
            (Infer(["x"], fp32: true, datatype: "BYTES"), "inputs[0].datatype"),
            (Infer(["x"], fp32: true, datatype: "FP64"), "inputs[0].contents.fp32_contents"),
            (nan, "inputs[0].contents[0]: NaN"),
        };
        foreach (var (request, field) in cases)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => inference.ModelInferAsync(request, deadline: DateTime.UtcNow.AddMinutes(1)).ResponseAsync);
            Assert.Equal((StatusCode.InvalidArgument, true), (error.StatusCode, error.Status.Detail.Contains(field, StringComparison.Ordinal)));
        }

        var endpoints = new Endpoints.EndpointsClient(channel);
        foreach (var (request, field) in new[]
        {
            (new PredictRequest { Endpoint = _name }, "instances: give at least one instance"),
            (new PredictRequest { Endpoint = _name, Instances = { Value.ForList(Value.ForNumber(double.NaN), Value.ForNumber(1), Value.ForNumber(1), Value.ForNumber(1)) } }, "instances[0][0]"),
            (new PredictRequest { Endpoint = _name, Instances = { Value.ForList(Value.ForString("a"), Value.ForNumber(1), Value.ForNumber(1), Value.ForNumber(1)) } }, "instances[0]"),
        })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => endpoints.PredictAsync(request, deadline: DateTime.UtcNow.AddMinutes(1)).ResponseAsync);
            Assert.Equal((StatusCode.InvalidArgument, true), (error.StatusCode, error.Status.Detail.Contains(field, StringComparison.Ordinal)));
        }
    }

    private ModelInferRequest Infer(string[] names, bool fp32 = false, long[]? shape = null, string datatype = "FP32")
    {
        var request = new ModelInferRequest { ModelName = _name };
        foreach (var name in names)
        {
            var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype, Shape = { shape ?? [1, 4] } };
            if (fp32)
            {
                input.Contents = new InferTensorContents { Fp32Contents = { 5.1f, 3.5f, 1.4f, 0.2f } };
            }

            request.Inputs.Add(input);
        }

        return request;
    }

    private async Task<(int Status, JsonObject Answer)> PostAsync(string route, string body, string type)
    {
        var path = route == "infer" ? $"/v2/models/{_name}/infer" : $"/endpoints/{_name}/{route}";
        using var response = await _gateway.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, type));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
