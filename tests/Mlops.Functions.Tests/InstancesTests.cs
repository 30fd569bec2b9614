using System.Text;
using System.Text.Json.Nodes;
using Mlops.Functions.Serving;

namespace Mlops.Functions.Tests;

public sealed class InstancesTests
{
    private static readonly Features Flower = new(["sepal_length", "sepal_width", "petal_length", "petal_width"], "flower");

    [Theory]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}""", 1)]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4, 0.2], [6, 3, 4.5, 1.5]]}""", 2)]
    public void FastTryRead_PlainRows_ReadsThem(string body, int rows)
    {
        var read = FastInstances.TryRead(Encoding.UTF8.GetBytes(body), 4);

        Assert.Equal(rows, read!.Count);
        Assert.Equal(5.1f, read[0][0]);
    }

    [Theory]
    [InlineData("""{"instances": [{"sepal_length": 5.1}]}""")]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4]]}""")]
    [InlineData("""{"instances": [[5.1, "x", 1.4, 0.2]]}""")]
    [InlineData("""{"instances": []}""")]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4, 0.2]], "more": 1}""")]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4, 0.2]]""")]
    [InlineData("""{"features": [5.1, 3.5, 1.4, 0.2]}""")]
    public void FastTryRead_AnythingElse_LeavesItToTheFullReader(string body) =>
        Assert.Null(FastInstances.TryRead(Encoding.UTF8.GetBytes(body), 4));

    [Fact]
    public void Read_OneNamedInstance_IsSingleInFeatureOrder()
    {
        var (rows, single) = Instances.Read(Parse("""{"features": {"petal_width": 0.2, "petal_length": 1.4, "sepal_width": 3.5, "sepal_length": 5.1}}"""), Flower);

        Assert.True(single);
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], rows[0]);
    }

    [Fact]
    public void Read_BatchOfMixedShapes_ReadsEveryRow()
    {
        var (rows, single) = Instances.Read(Parse("""{"instances": [[5.1, 3.5, 1.4, 0.2], {"sepal_length": 6, "sepal_width": 3, "petal_length": 4.5, "petal_width": 1.5}]}"""), Flower);

        Assert.False(single);
        Assert.Equal(2, rows.Count);
        Assert.Equal(6f, rows[1][0]);
    }

    [Theory]
    [InlineData("""{"features": [5.1, 3.5, 1.4]}""", "features has 3 values; expected 4")]
    [InlineData("""{"features": [5.1, "wide", 1.4, 0.2]}""", "features[1] must be a number")]
    [InlineData("""{"features": {"sepal_length": 5.1, "colour": 1}}""", "features has unknown feature(s) colour")]
    [InlineData("""{"features": {"sepal_length": 5.1}}""", "features is missing sepal_width")]
    [InlineData("""{"instances": []}""", "instances is empty: give at least one flower")]
    [InlineData("""{"instances": 3}""", "instances must be a list of flowers")]
    [InlineData("""{}""", "give 'features' (one flower: [sepal_length, sepal_width, petal_length, petal_width])")]
    [InlineData("""{"features": [1, 2, 3, 4], "instances": [[1, 2, 3, 4]]}""", "give either 'features' (one flower) or 'instances'")]
    [InlineData("""{"instances": [[1, 2, 3, 4], "x"]}""", "instances[1] must be a list of 4 numbers or an object with sepal_length")]
    [InlineData("""{"instances": [[1, 2, 3, 1e300]]}""", "instances[0][3] must be a finite number")]
    public void Read_WrongShape_SaysWhatAndWhere(string parameters, string expected)
    {
        var error = Assert.Throws<FunctionError>(() => Instances.Read(Parse(parameters), Flower));

        Assert.Equal("INVALID_ARGUMENT", error.Code);
        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void Read_TooLargeABatch_IsRefused()
    {
        var batch = new JsonArray([.. Enumerable.Range(0, Features.MaxBatch + 1).Select(_ => (JsonNode)new JsonArray(1, 2, 3, 4))]);

        var error = Assert.Throws<FunctionError>(() => Instances.Read(new JsonObject { ["instances"] = batch }, Flower));

        Assert.Equal($"instances has {Features.MaxBatch + 1} flowers; at most {Features.MaxBatch} per invocation", error.Message);
    }

    [Fact]
    public void Read_FromCheckedParameters_ReadsTheBatch()
    {
        using var function = new TempFunction(
            """{"parameters": {"features": {"type": "any"}, "instances": {"type": "array", "maxItems": 4000}}}""",
            """{"instances": [[5.1, 3.5, 1.4, 0.2], [6, 3, 4.5, 1.5]]}""");

        var (rows, single) = Instances.Read(new FunctionContext(function.Paths).Parameters, Flower);

        Assert.False(single);
        Assert.Equal([6f, 3f, 4.5f, 1.5f], rows[1]);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
