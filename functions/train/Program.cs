using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Transforms;
using Mlops.Functions;
using Mlops.Functions.Models;
using Train;

// Trains an Iris classifier and writes it to /mlops/output/model, with its metrics in result.json.
return await FunctionHost.RunAsync(args, invoke: context =>
{
    var requested = TrainParameters.From(context.Parameters);
    // In a pipeline, a split made by an earlier step (iris-split) replaces the function's own: test_size is then unused.
    var given = context.Artifacts.TryGet("dataset", out var dataset);
    var (train, test) = given
        ? (IrisData.LoadFrom(dataset, "train.csv"), IrisData.LoadFrom(dataset, "test.csv"))
        : IrisData.StratifiedSplit(IrisData.Load(Path.Combine(AppContext.BaseDirectory, "data", "iris.csv")), requested.TestSize, requested.Seed);
    var rows = train.Concat(test).ToList();
    var parameters = requested with { LeavesTheDataCanFill = train.Count / requested.MinLeaf, FromDataset = given };
    context.Log.Info(given
        ? $"Iris: the artifact 'dataset': training on {train.Count} rows, testing on {test.Count}"
        : $"Iris: {rows.Count} rows; training on {train.Count}, testing on {test.Count} (stratified, seed {parameters.Seed})");
    context.Log.Info($"OneVersusAll(FastForest): {parameters.Trees} trees per class, up to {parameters.Leaves} leaves, at least {parameters.MinLeaf} row(s) per leaf");

    var ml = new MLContext(seed: parameters.Seed);
    var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", nameof(IrisRow.Species), keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
        .Append(ml.Transforms.Concatenate("Features", IrisRow.FeatureNames))
        .Append(ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
        {
            NumberOfTrees = parameters.Trees,
            NumberOfLeaves = parameters.Leaves,
            MinimumExampleCountPerLeaf = parameters.MinLeaf,
            // One thread and a fixed seed: the same parameters always give the same forest.
            NumberOfThreads = 1,
            Seed = parameters.Seed,
        })));

    var clock = Stopwatch.StartNew();
    var trainData = ml.Data.LoadFromEnumerable(train);
    var model = pipeline.Fit(trainData);
    var trainingSeconds = clock.Elapsed.TotalSeconds;
    context.Log.Info($"trained in {trainingSeconds:F2} s");

    var scored = model.Transform(ml.Data.LoadFromEnumerable(test));
    var keys = default(VBuffer<ReadOnlyMemory<char>>);
    scored.Schema["Label"].GetKeyValues(ref keys);
    var classes = keys.DenseValues().Select(k => k.ToString()).ToArray();
    var predictions = ml.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: false)
        .Select(row => (row.Species, row.Score))
        .ToList();
    var evaluation = Evaluation.Compute(classes, predictions);
    context.Log.Info($"test accuracy {evaluation.Accuracy:P1}");

    ml.Model.Save(model, trainData.Schema, context.OutputModel.PathOf("model.zip"));
    context.OutputModel.WriteJson("model.json", new JsonObject
    {
        ["format"] = "ML.NET",
        ["framework_version"] = MlflowDescription.VersionOf(typeof(MLContext).Assembly),
        ["trainer"] = "OneVersusAll(FastForest)",
        ["class_names"] = new JsonArray(classes.Select(c => (JsonNode)c).ToArray()),
        ["feature_names"] = new JsonArray(TrainParameters.FeatureNames.Select(f => (JsonNode)f).ToArray()),
        ["input_columns"] = new JsonArray(IrisRow.FeatureNames.Select(f => (JsonNode)f).ToArray()),
    });
    // What predict takes and answers per flower: the four measurements in, the probability of each species out.
    context.OutputModel.Describe(MlflowDescription.MlNet(typeof(MLContext).Assembly, TrainParameters.FeatureNames, classes));

    // Timing stays out of "metrics", so that the same seed gives identical metrics. The answer's data also carries
    // the figures the source documents' API shows after a training, under their names (macro averages).
    var metrics = evaluation.Metrics();
    context.WriteResult(metrics, parameters.ToJson(), new JsonObject
    {
        ["accuracy"] = metrics["accuracy"]!.DeepClone(),
        ["precision"] = metrics["macro_precision"]!.DeepClone(),
        ["recall"] = metrics["macro_recall"]!.DeepClone(),
        ["f1_score"] = metrics["macro_f1"]!.DeepClone(),
        ["training_time"] = Math.Round(trainingSeconds, 3),
        ["per_class"] = evaluation.PerClass(),
        ["confusion_matrix"] = evaluation.ConfusionMatrix(),
        ["rows"] = new JsonObject { ["total"] = rows.Count, ["train"] = train.Count, ["test"] = test.Count },
        ["training_seconds"] = Math.Round(trainingSeconds, 3),
        ["class_names"] = new JsonArray(classes.Select(c => (JsonNode)c).ToArray()),
        ["model_name"] = parameters.ModelName,
    });
});

internal sealed class ScoredRow
{
    public string Species { get; set; } = "";

    public float[] Score { get; set; } = [];
}
