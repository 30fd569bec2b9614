using System.Text.Json.Nodes;
using Mlops.Functions.Models;

namespace Mlops.Functions.Tests;

public sealed class FunctionHostTests
{
    private const string Manifest = """{"parameters": {"rows": {"type": "integer", "default": 3, "minimum": 1, "maximum": 10}}}""";

    [Fact]
    public async Task RunAsync_InvokeSucceeds_WritesResultJsonAndExitsZero()
    {
        using var function = new TempFunction(Manifest, """{"rows": 4}""");

        var exit = await FunctionHost.RunAsync([], context => context.WriteResult(
            new JsonObject { ["r2"] = 0.5 },
            context.Parameters.ToJson(),
            new JsonObject { ["rows"] = context.Parameters.GetInt32("rows") }), paths: function.Paths);

        Assert.Equal(0, exit);
        Assert.Equal("""{"metrics":{"r2":0.5},"params":{"rows":4},"data":{"rows":4}}""", function.Output("result.json")!.ToJsonString());
        Assert.Null(function.Output("error.json"));
    }

    [Fact]
    public async Task RunAsync_FunctionErrorThrown_WritesErrorJsonAndExitsOne()
    {
        using var function = new TempFunction(Manifest);

        var exit = await FunctionHost.RunAsync([], _ => throw FunctionError.FailedPrecondition("invoke 'train' first"), paths: function.Paths);

        Assert.Equal(1, exit);
        var error = function.Output("error.json")!;
        Assert.Equal(("FAILED_PRECONDITION", "invoke 'train' first"), (error["code"]!.GetValue<string>(), error["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RunAsync_ParameterOutOfBounds_WritesInvalidArgumentNamingIt()
    {
        using var function = new TempFunction(Manifest, """{"rows": 11}""");

        var exit = await FunctionHost.RunAsync([], context => context.Parameters.GetInt32("rows"), paths: function.Paths);

        Assert.Equal(1, exit);
        Assert.Equal("INVALID_ARGUMENT", function.Output("error.json")!["code"]!.GetValue<string>());
        Assert.Equal("parameters.rows: must be <= 10 (got 11)", function.Output("error.json")!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunAsync_OtherException_ExitsNonZeroWithoutErrorJson()
    {
        using var function = new TempFunction(Manifest);

        var exit = await FunctionHost.RunAsync([], _ => throw new IOException("disk gone"), paths: function.Paths);

        Assert.NotEqual(0, exit);
        Assert.Null(function.Output("error.json"));
    }

    [Fact]
    public async Task RunAsync_ServeWithoutLoader_ExitsNonZero()
    {
        using var function = new TempFunction(Manifest);

        Assert.NotEqual(0, await FunctionHost.RunAsync(["serve"], _ => { }, paths: function.Paths));
    }

    [Fact]
    public void InputModel_NoneStaged_IsNull()
    {
        using var function = new TempFunction(Manifest);

        Assert.Null(new FunctionContext(function.Paths).InputModel);
        Directory.CreateDirectory(Path.Combine(function.Paths.Input, "model"));
        Assert.Equal(Path.Combine(function.Paths.Input, "model"), new FunctionContext(function.Paths).InputModel);
    }

    [Fact]
    public void OutputModel_Describe_WritesMlflowJsonNextToTheModel()
    {
        using var function = new TempFunction(Manifest);
        var context = new FunctionContext(function.Paths);

        context.OutputModel.WriteJson("model.json", new JsonObject { ["format"] = "ML.NET" });
        context.OutputModel.Describe(MlflowDescription.MlNet(typeof(FunctionHostTests).Assembly, ["age", "bmi"], ["progression"], "float"));

        Assert.Equal("ML.NET", function.Output("model/model.json")!["format"]!.GetValue<string>());
        var mlflow = function.Output("model/mlflow.json")!;
        Assert.Equal("model.zip", mlflow["flavors"]!["mlnet"]!["data"]!.GetValue<string>());
        Assert.Equal(
            """{"inputs":[{"name":"age","type":"float"},{"name":"bmi","type":"float"}],"outputs":[{"name":"progression","type":"float"}]}""",
            mlflow["signature"]!.ToJsonString());
    }
}
