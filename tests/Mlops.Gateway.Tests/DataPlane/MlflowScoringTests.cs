using System.Text.Json.Nodes;
using Mlops.Gateway.Serving;

namespace Mlops.Gateway.Tests.DataPlane;

public sealed class MlflowScoringTests
{
    [Theory]
    [InlineData("""{}""", "give one of dataframe_split, dataframe_records, instances, inputs")]
    [InlineData("""{"instances": [[1]], "inputs": [[1]]}""", "give only one of instances, inputs")]
    [InlineData("""{"dataframe_split": {"columns": ["a"], "data": [[1]]}, "dataframe_records": [{"a": 1}]}""", "give only one of dataframe_split, dataframe_records")]
    [InlineData("""{"data": [[1]]}""", "data: is not a field of MLflow's scoring request")]
    [InlineData("""{"instances": [[1]], "params": {"k": 1}}""", "params: inference parameters are not supported")]
    [InlineData("""{"instances": {"a": 1}}""", "instances: must be a list")]
    [InlineData("""{"inputs": []}""", "inputs: give at least one row")]
    [InlineData("""{"dataframe_split": [[1]]}""", "dataframe_split: must be an object")]
    [InlineData("""{"dataframe_split": {"columns": ["a"]}}""", "dataframe_split.data: must be a list")]
    [InlineData("""{"dataframe_split": {"columns": ["a"], "data": []}}""", "dataframe_split.data: give at least one row")]
    [InlineData("""{"dataframe_split": {"columns": [1], "data": [[1]]}}""", "dataframe_split.columns[0]: must be a string")]
    [InlineData("""{"dataframe_split": {"columns": [null], "data": [[1]]}}""", "dataframe_split.columns[0]: must be a string")]
    [InlineData("""{"dataframe_split": {"columns": ["a", "a"], "data": [[1, 2]]}}""", "dataframe_split.columns[1]: 'a' is named twice")]
    [InlineData("""{"dataframe_split": {"columns": "a", "data": [[1]]}}""", "dataframe_split.columns: must be a list")]
    [InlineData("""{"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}}""", "dataframe_split.data[0]: must hold 1 values")]
    [InlineData("""{"dataframe_split": {"columns": ["a"], "data": [1]}}""", "dataframe_split.data[0]: must hold 1 values")]
    [InlineData("""{"dataframe_split": {"data": [1, 2]}}""", "dataframe_split.data[0]: must be a list of values")]
    [InlineData("""{"dataframe_split": {"columns": ["a"], "data": [[1]], "index": [0, 1]}}""", "dataframe_split.index: must be a list of 1 labels")]
    [InlineData("""{"dataframe_split": {"columns": ["a"], "data": [[1]], "orient": "split"}}""", "dataframe_split.orient: is not a field")]
    [InlineData("""{"dataframe_records": {"a": 1}}""", "dataframe_records: must be a list")]
    [InlineData("""{"dataframe_records": [{"a": 1}, [1]]}""", "dataframe_records[1]: must be an object")]
    public void Instances_MalformedOrAmbiguousRequest_IsABadRequestNamingTheField(string body, string expected)
    {
        var error = Assert.Throws<ServingException>(() => MlflowScoring.Instances(JsonNode.Parse(body)!.AsObject()));

        Assert.Equal(400, error.HttpStatus);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Instances_SplitWithColumnsAndIndex_BecomesNamedInstances()
    {
        var instances = MlflowScoring.Instances(JsonNode.Parse("""{"dataframe_split": {"index": [7], "columns": ["a", "b"], "data": [[1, 2]]}}""")!.AsObject());

        Assert.Equal("""[{"a":1,"b":2}]""", instances.ToJsonString());
    }
}
