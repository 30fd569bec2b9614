using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

[Collection(MlFunctionsCollection.Name)]
public sealed class MlFunctionTests(MlFunctionsFixture fixture)
{
    private static readonly string[] Species = ["setosa", "versicolor", "virginica"];

    private RunnerHost Host => fixture.Host;

    [Fact]
    public void BuildImage_ReportsImageAndFunctionLayerSizes()
    {
        foreach (var image in new[] { fixture.TrainImage, fixture.PredictImage })
        {
            Assert.True(image.SizeBytes > 0);
            Assert.InRange(image.FunctionLayersBytes, 1, image.SizeBytes - 1);
        }
    }

    [Fact]
    public void BuildImage_Predict_IsItsOwnCodeOnTheBootstrapsCompositeBaseImage()
    {
        // The bootstrap's predict-composite image carries the composite ReadyToRun runtime (about 200 MB). When predict's
        // build recognises it, predict adds only its own assembly, symbols and function.json; when it does not (its
        // project file and the base image's disagree) the build makes the composite again, 90 s, and adds it all.
        Assert.InRange(fixture.PredictImage.FunctionLayersBytes, 1, 5L * 1024 * 1024);
    }

    [Fact]
    public async Task Train_WithDefaults_ReachesNinetyPercentAndReportsEveryMetric()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "train");

        Assert.Null(call.Error);
        var result = call.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result;
        Assert.True(result.Metrics.Fields["accuracy"].NumberValue >= 0.9, $"accuracy {result.Metrics.Fields["accuracy"].NumberValue}");
        foreach (var metric in new[] { "macro_precision", "macro_recall", "macro_f1", "log_loss" })
        {
            Assert.True(result.Metrics.Fields.ContainsKey(metric), metric);
        }

        var data = result.Data.Fields;
        Assert.Equal(Species, data["confusion_matrix"].StructValue.Fields["labels"].ListValue.Values.Select(v => v.StringValue));
        Assert.Equal(30, data["confusion_matrix"].StructValue.Fields["matrix"].ListValue.Values.Sum(row => row.ListValue.Values.Sum(c => c.NumberValue)));
        Assert.Equal(Species, data["per_class"].StructValue.Fields.Keys.Order());
        Assert.Equal(120, data["rows"].StructValue.Fields["train"].NumberValue);
        Assert.True(data["training_seconds"].NumberValue > 0);
        // The source documents' names for the same figures, beside the rest.
        Assert.Equal(result.Metrics.Fields["accuracy"].NumberValue, data["accuracy"].NumberValue);
        Assert.Equal(result.Metrics.Fields["macro_precision"].NumberValue, data["precision"].NumberValue);
        Assert.Equal(result.Metrics.Fields["macro_recall"].NumberValue, data["recall"].NumberValue);
        Assert.Equal(result.Metrics.Fields["macro_f1"].NumberValue, data["f1_score"].NumberValue);
        Assert.Equal(data["training_seconds"].NumberValue, data["training_time"].NumberValue);
        Assert.Equal(100, result.Params.Fields["n_estimators"].NumberValue);
    }

    [Fact]
    public async Task Train_SameSeedTwice_GivesIdenticalMetrics()
    {
        var parameters = InvokeCall.Parameters("""{"n_estimators": 20, "seed": 7, "max_depth": 3, "min_samples_leaf": 2, "model_name": "seed_check"}""");

        var first = await InvokeCall.RunAsync(Host.Client, "train", parameters);
        var second = await InvokeCall.RunAsync(Host.Client, "train", parameters);

        Assert.Null(first.Error);
        Assert.Equal(ResultOf(first).Metrics, ResultOf(second).Metrics);
        Assert.Equal(8, ResultOf(first).Params.Fields["num_leaves"].NumberValue);
    }

    [Fact]
    public async Task Train_AtTheLargestValuesItsManifestAllows_FitsItsMemory()
    {
        // 2^12 leaves per tree would be 4,096; 120 training rows fill at most 120 (one row per leaf), and
        // FastForest sizes its trees by the cap: 2,000 such trees per class did not fit in 2 GB.
        var call = await InvokeCall.RunAsync(Host.Client, "train", InvokeCall.Parameters("""{"n_estimators": 2000, "max_depth": 12, "model_name": "largest_check"}"""));

        Assert.Null(call.Error);
        Assert.Equal(120, ResultOf(call).Params.Fields["num_leaves"].NumberValue);
        Assert.Equal(12, ResultOf(call).Params.Fields["max_depth"].NumberValue);
    }

    [Fact]
    public async Task Predict_AfterTrain_ClassifiesASetosaWithProbabilitiesThatSumToOne()
    {
        await TrainAsync();

        var call = await InvokeCall.RunAsync(Host.Client, "predict", InvokeCall.Parameters("""{"features": [5.1, 3.5, 1.4, 0.2]}"""));

        Assert.Null(call.Error);
        var data = ResultOf(call).Data.Fields;
        Assert.Equal("setosa", data["class"].StringValue);
        var probabilities = data["probabilities"].StructValue.Fields;
        Assert.Equal(Species, probabilities.Keys.Order());
        Assert.Equal(1.0, probabilities.Values.Sum(p => p.NumberValue), precision: 9);
        Assert.Empty(await Host.ContainersAsync(call.InvocationId));
    }

    [Fact]
    public async Task Train_ResultNamesItsRunAndVersion_WhichPredictTakesAsAUri()
    {
        var train = await InvokeCall.RunAsync(Host.Client, "train", InvokeCall.Parameters("""{"n_estimators": 20, "model_name": "iris_uri_check"}"""));
        var uri = ResultOf(train).Data.Fields["model_uri"].StringValue;

        var predict = await InvokeCall.RunAsync(Host.Client, "predict", InvokeCall.Parameters($$"""{"features": [6.7, 3.3, 6.0, 2.3], "model_version": "{{uri}}"}"""));

        Assert.StartsWith("models:/iris_uri_check/", uri);
        Assert.Null(predict.Error);
        Assert.Equal("virginica", ResultOf(predict).Data.Fields["class"].StringValue);
    }

    [Fact]
    public async Task Train_RegistersAnMlflowModel_WhoseMLmodelNamesTheRunAndTheSignature_AndPredictStillLoadsIt()
    {
        var train = await InvokeCall.RunAsync(Host.Client, "train", InvokeCall.Parameters("""{"n_estimators": 20, "model_name": "iris_mlmodel_check"}"""));
        Assert.Null(train.Error);
        var runId = ResultOf(train).Data.Fields["run_id"].StringValue;
        var uri = ResultOf(train).Data.Fields["model_uri"].StringValue;

        var run = await Host.Registry.GetRunAsync(new GetRunRequest { Id = runId });
        var mlmodel = (await File.ReadAllLinesAsync(Path.Combine(Host.DataDirectory, "registry", "artifacts", runId, "model", "MLmodel")))
            .Select(line => line.Split(": ", 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1].Trim('\''));
        var predict = await InvokeCall.RunAsync(Host.Client, "predict", InvokeCall.Parameters($$"""{"features": [5.1, 3.5, 1.4, 0.2], "model_version": "{{uri}}"}"""));

        Assert.Contains("model/MLmodel", run.Artifacts);
        Assert.Equal(("model", runId, "model.zip"), (mlmodel["artifact_path"], mlmodel["run_id"], mlmodel["    data"]));
        var inputs = System.Text.Json.Nodes.JsonNode.Parse(mlmodel["  inputs"])!.AsArray();
        var outputs = System.Text.Json.Nodes.JsonNode.Parse(mlmodel["  outputs"])!.AsArray();
        Assert.Equal(["sepal_length:float", "sepal_width:float", "petal_length:float", "petal_width:float"], inputs.Select(c => $"{c!["name"]}:{c["type"]}"));
        Assert.Equal(Species.Select(s => $"{s}:double"), outputs.Select(c => $"{c!["name"]}:{c["type"]}"));
        Assert.Null(predict.Error);
        Assert.Equal("setosa", ResultOf(predict).Data.Fields["class"].StringValue);
    }

    [Fact]
    public async Task Predict_NamedFeatures_AreAcceptedInAnyOrder()
    {
        await TrainAsync();

        var call = await InvokeCall.RunAsync(Host.Client, "predict", InvokeCall.Parameters(
            """{"features": {"petal_width": 2.3, "petal_length": 6.0, "sepal_width": 3.3, "sepal_length": 6.7}}"""));

        Assert.Null(call.Error);
        Assert.Equal("virginica", ResultOf(call).Data.Fields["class"].StringValue);
    }

    [Fact]
    public async Task Predict_BatchOfAThousandRows_AnswersEveryRowInOneInvocation()
    {
        await TrainAsync();
        var rows = Enumerable.Range(0, 1000).Select(i => Value.ForList(
            Value.ForNumber(4.5 + (i % 30) / 10.0), Value.ForNumber(3.0), Value.ForNumber(1.0 + (i % 50) / 10.0), Value.ForNumber(0.2 + (i % 20) / 10.0)));
        var parameters = new Struct { Fields = { ["instances"] = Value.ForList(rows.ToArray()) } };

        var call = await InvokeCall.RunAsync(Host.Client, "predict", parameters);

        Assert.Null(call.Error);
        var predictions = ResultOf(call).Data.Fields["predictions"].ListValue.Values;
        Assert.Equal(1000, predictions.Count);
        Assert.All(predictions, p => Assert.Contains(p.StructValue.Fields["class"].StringValue, Species));
        Assert.Equal(1000, ResultOf(call).Metrics.Fields["rows"].NumberValue);
    }

    [Theory]
    [InlineData("""{"features": [5.1, 3.5, 1.4]}""", "features has 3 values; expected 4")]
    [InlineData("""{"features": [5.1, "wide", 1.4, 0.2]}""", "features[1] must be a number")]
    [InlineData("""{"features": {"sepal_length": 5.1}}""", "features is missing sepal_width")]
    [InlineData("""{"features": {"petal_colour": 1}}""", "unknown feature(s) petal_colour")]
    [InlineData("""{"instances": []}""", "instances is empty")]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4, 0.2], [1, 2]]}""", "instances[1] has 2 values")]
    [InlineData("""{"features": [5.1, 3.5, 1.4, 0.2], "instances": [[5.1, 3.5, 1.4, 0.2]]}""", "not both")]
    [InlineData("""{}""", "give 'features'")]
    public async Task Predict_BadInput_IsInvalidArgumentSaidByTheFunctionAndLeavesNoContainer(string json, string expected)
    {
        await TrainAsync();

        var call = await InvokeCall.RunAsync(Host.Client, "predict", InvokeCall.Parameters(json));

        Assert.Equal(StatusCode.InvalidArgument, call.Error?.StatusCode);
        Assert.Contains(expected, call.Error!.Status.Detail);
        Assert.Equal(InvocationStatus.Failed, call.Completed.Status);
        Assert.Empty(await Host.ContainersAsync(call.InvocationId));
    }

    [Fact]
    public async Task Predict_NonFiniteOrOversizedInput_IsRefusedBeforeAnyContainer()
    {
        var nan = new Struct { Fields = { ["features"] = Value.ForList(Value.ForNumber(double.NaN), Value.ForNumber(1), Value.ForNumber(1), Value.ForNumber(1)) } };
        var tooMany = new Struct { Fields = { ["instances"] = Value.ForList(Enumerable.Range(0, 4_001).Select(_ => Value.ForList(Value.ForNumber(1))).ToArray()) } };

        var nanCall = await InvokeCall.RunAsync(Host.Client, "predict", nan);
        var bigCall = await InvokeCall.RunAsync(Host.Client, "predict", tooMany);

        Assert.Equal(StatusCode.InvalidArgument, nanCall.Error?.StatusCode);
        Assert.Contains("finite", nanCall.Error!.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, bigCall.Error?.StatusCode);
        Assert.Contains("at most 4000 item(s)", bigCall.Error!.Status.Detail);
        Assert.Empty(nanCall.Arrivals);
        Assert.Empty(bigCall.Arrivals);
    }

    [Fact]
    public async Task Predict_TheLargestBatchItAccepts_FitsTheResultCap()
    {
        await TrainAsync();
        var flowers = Enumerable.Range(0, 4_000).Select(i => Value.ForList(Value.ForNumber(5.1 + i % 3), Value.ForNumber(3.5), Value.ForNumber(1.4 + i % 5), Value.ForNumber(0.2))).ToArray();

        var call = await InvokeCall.RunAsync(Host.Client, "predict", new Struct { Fields = { ["instances"] = Value.ForList(flowers) } });

        Assert.Null(call.Error);
        Assert.Equal(4_000, ResultOf(call).Data.Fields["predictions"].ListValue.Values.Count);
    }

    private async Task TrainAsync()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "train", InvokeCall.Parameters("""{"n_estimators": 20}"""));
        Assert.Null(call.Error);
    }

    private static InvocationResult ResultOf(InvokeCall call) => call.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result;
}
