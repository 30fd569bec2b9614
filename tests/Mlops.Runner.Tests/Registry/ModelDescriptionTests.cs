using Mlops.Runner.Registry;

namespace Mlops.Runner.Tests.Registry;

public sealed class ModelDescriptionTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mlops-description-test-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Read_AModelWithoutOne_IsNone()
    {
        Assert.Same(ModelDescription.None, ModelDescription.Read(_folder.FullName));
    }

    [Fact]
    public void Read_FlavorsAndASignature_AreTakenAsWritten()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, ModelDescription.FileName), """
            {"flavors": {"mlnet": {"data": "model.zip", "mlnet_version": "5.0.1"}},
             "signature": {"inputs": [{"name": "sepal_length", "type": "float"}], "outputs": [{"name": "setosa", "type": "double"}]}}
            """);

        var description = ModelDescription.Read(_folder.FullName);

        Assert.Equal("5.0.1", description.Flavors["mlnet"]["mlnet_version"]);
        Assert.Equal([new ModelColumn("sepal_length", "float")], description.Signature!.Inputs);
        Assert.Equal([new ModelColumn("setosa", "double")], description.Signature.Outputs);
    }

    [Theory]
    [InlineData("[]", "must hold a JSON object")]
    [InlineData("{\"flavours\": {}}", "flavours: unknown key")]
    [InlineData("{\"flavors\": {\"ML.NET\": {}}}", "flavors: 'ML.NET' must be 1-64 lowercase letters")]
    [InlineData("{\"flavors\": {\"mlnet\": {\"threads\": 1}}}", "flavors.mlnet.threads: must be text")]
    [InlineData("{\"flavors\": {\"mlnet\": {\"data\": \"a\\nb\"}}}", "flavors.mlnet.data: must be text of 1-1000 printable characters")]
    [InlineData("{\"signature\": {\"inputs\": []}}", "signature.inputs: must be a list of columns")]
    [InlineData("{\"signature\": {\"inputs\": [{\"name\": \"x\", \"type\": \"float\"}]}}", "signature.outputs: must be a list of columns")]
    [InlineData("{\"signature\": {\"inputs\": [{\"name\": \"x\", \"type\": \"float32\"}], \"outputs\": [{\"name\": \"y\", \"type\": \"double\"}]}}", "signature.inputs[0].type: 'float32' is not an MLflow column type")]
    [InlineData("{\"signature\": {\"inputs\": [{\"name\": \"x\", \"type\": \"float\"}, {\"name\": \"x\", \"type\": \"float\"}], \"outputs\": [{\"name\": \"y\", \"type\": \"double\"}]}}", "signature.inputs[1].name: 'x' is named twice")]
    [InlineData("{\"signature\": {\"inputs\": [{\"name\": \"x\", \"type\": \"float\", \"shape\": [4]}], \"outputs\": [{\"name\": \"y\", \"type\": \"double\"}]}}", "signature.inputs[0].shape: unknown key")]
    [InlineData("{\"signature\": {\"inputs\": [{\"name\": \"x\\u2028y\", \"type\": \"float\"}], \"outputs\": [{\"name\": \"y\", \"type\": \"double\"}]}}", "signature.inputs[0].name: must be text")]
    public void Parse_AMistake_IsTheFunctionsFailureNamingTheFileAndTheField(string json, string expected)
    {
        var error = Assert.Throws<RunnerException>(() => ModelDescription.Parse(json));

        Assert.Equal(ErrorKind.FunctionFailed, error.Kind);
        Assert.StartsWith("model/mlflow.json: ", error.Message);
        Assert.Contains(expected, error.Message);
    }
}
