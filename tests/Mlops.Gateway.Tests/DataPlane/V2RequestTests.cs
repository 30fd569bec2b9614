using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Gateway.Serving;

namespace Mlops.Gateway.Tests.DataPlane;

public sealed class V2RequestTests
{
    private const string Good = """{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}""";

    [Theory]
    [InlineData("""{}""", "inputs:")]
    [InlineData("""{"inputs": {}}""", "inputs:")]
    [InlineData("""{"inputs": []}""", "inputs: the model takes 1 input tensor; the request has 0")]
    [InlineData("""{"inputs": [GOOD, GOOD]}""", "inputs: the model takes 1 input tensor; the request has 2")]
    [InlineData("""{"inputs": [7]}""", "inputs[0]: must be an object")]
    [InlineData("""{"inputs": [GOOD], "input": []}""", "input: is not a field")]
    [InlineData("""{"id": 7, "inputs": [GOOD]}""", "id: must be a string")]
    [InlineData("""{"parameters": [], "inputs": [GOOD]}""", "parameters: must be an object")]
    [InlineData("""{"outputs": [{"name": "logits"}], "inputs": [GOOD]}""", "outputs[0].name: the model has no output 'logits'")]
    [InlineData("""{"outputs": {"name": "class"}, "inputs": [GOOD]}""", "outputs: must be a list")]
    [InlineData("""{"inputs": [{"shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "inputs[0].name: must be a string")]
    [InlineData("""{"inputs": [{"name": 1, "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "inputs[0].name: must be a string")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "BYTES", "data": ["a"]}]}""", "inputs[0].datatype: 'BYTES' is not supported")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": 32, "data": [1, 2, 3, 4]}]}""", "inputs[0].datatype: is required")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "data": [1, 2, 3, 4]}]}""", "inputs[0].datatype: is required")]
    [InlineData("""{"inputs": [{"name": "x", "shape": "1,4", "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "inputs[0].shape: must be a list")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, "4"], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "inputs[0].shape[1]: must be a whole number")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1.5, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "inputs[0].shape[0]: must be a whole number")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "inputs[0].shape: [1, 1, 4] is not a shape")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [-1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "inputs[0].shape: [-1, 4] is not a shape")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [4611686018427387904, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "inputs[0].shape: [4611686018427387904, 4] holds more values")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [9223372036854775807, 9223372036854775807], "datatype": "FP32", "data": [1]}]}""", "holds more values")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [99999999999999999999, 4], "datatype": "FP32", "data": [1]}]}""", "inputs[0].shape[0]: must be a whole number")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3]}]}""", "inputs[0].data: the shape [1, 4] needs 4 values; the data has 3")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32"}]}""", "inputs[0].data: must be a list")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, "3", 4]}]}""", "inputs[0].data[2]: a string is not a number")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, null, 4]}]}""", "inputs[0].data[2]: null is not a number")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, true, 4]}]}""", "inputs[0].data[2]: a boolean is not a number")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, {"v": 3}, 4]}]}""", "inputs[0].data[2]: an object is not a number")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 1e400, 4]}]}""", "inputs[0].data[2]: Infinity is not a FP64 value")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 1e300, 4]}]}""", "inputs[0].data[2]: 1E+300 is not a FP32 value")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "INT32", "data": [1, 2, 2.5, 4]}]}""", "inputs[0].data[2]: 2.5 is not a INT32 value")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "INT32", "data": [1, 2, 3000000000, 4]}]}""", "inputs[0].data[2]: 3000000000 is not a INT32 value")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [[1, 2], [3]]}]}""", "inputs[0].data[1]: holds 1 elements where the shape says 2")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [[1, 2], 3, 4]}]}""", "inputs[0].data: holds 3 elements where the shape says 2")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [[1, [2]], [3, 4]]}]}""", "inputs[0].data[0][1]: a list is not a number")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4], "extra": 1}]}""", "inputs[0].extra: is not a field")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "parameters": 3, "data": [1, 2, 3, 4]}]}""", "inputs[0].parameters: must be an object")]
    public void Instances_MalformedRequest_IsABadRequestNamingTheField(string body, string expected)
    {
        var request = JsonNode.Parse(body.Replace("GOOD", Good, StringComparison.Ordinal))!.AsObject();

        var error = Assert.Throws<ServingException>(() => V2Request.Instances(request));

        Assert.Equal(400, error.HttpStatus);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("""{"id": "r", "inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP64", "data": [1, 2, 3, 4]}]}""")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [[1, 2], [3, 4]]}], "outputs": [{"name": "class"}]}""")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [4], "datatype": "INT64", "data": [1, 2, 3, 4]}]}""")]
    public void Instances_WellFormedRequest_BecomesTheReplicaContractsRows(string body)
    {
        var instances = JsonNode.Parse(V2Request.Instances(JsonNode.Parse(body)!.AsObject()))!["instances"]!.AsArray();

        Assert.Equal(JsonValueKind.Array, instances[0]!.GetValueKind());
        Assert.Equal([1.0, 2.0], instances[0]!.AsArray().Take(2).Select(v => v!.GetValue<double>()));
    }
}
