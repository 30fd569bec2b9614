using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Mlops.Functions;
using Mlops.Functions.Models;

namespace Diabetes;

/// <summary>One training: split the patients, fit a boosted-tree regression, measure it on the held-out ones.</summary>
internal static class Training
{
    public static void Run(FunctionContext context)
    {
        var parameters = context.Parameters;
        var seed = parameters.GetInt32("seed");
        var ml = new MLContext(seed);
        var patients = Patients.Load(Path.Combine(AppContext.BaseDirectory, "data", "diabetes.csv"));
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(patients), parameters.GetDouble("test_size"), seed: seed);
        var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = parameters.GetInt32("num_trees"),
            NumberOfLeaves = parameters.GetInt32("num_leaves"),
            LearningRate = parameters.GetDouble("learning_rate"),
            MinimumExampleCountPerLeaf = parameters.GetInt32("min_samples_leaf"),
            // One thread and a fixed seed: the same parameters always give the same trees.
            NumberOfThreads = 1,
            Seed = seed,
        });

        var clock = Stopwatch.StartNew();
        var model = trainer.Fit(split.TrainSet);
        var seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
        var quality = ml.Regression.Evaluate(model.Transform(split.TestSet));
        var (trainRows, testRows) = (Count(split.TrainSet), Count(split.TestSet));
        context.Log.Info($"FastTree on {trainRows} patients in {seconds} s; on {testRows} held out: r2 {quality.RSquared:F3}, rmse {quality.RootMeanSquaredError:F1}");

        ml.Model.Save(model, split.TrainSet.Schema, context.OutputModel.PathOf("model.zip"));
        context.OutputModel.WriteJson("model.json", new JsonObject
        {
            ["trainer"] = "FastTree",
            ["feature_names"] = new JsonArray([.. Patient.FeatureNames.Select(name => (JsonNode)name)]),
        });
        context.OutputModel.Describe(MlflowDescription.MlNet(typeof(MLContext).Assembly, Patient.FeatureNames, ["progression"], "float"));

        // Timing stays out of "metrics", so that the same seed gives identical metrics.
        context.WriteResult(
            new JsonObject
            {
                ["r2"] = Math.Round(quality.RSquared, 6),
                ["rmse"] = Math.Round(quality.RootMeanSquaredError, 6),
                ["mae"] = Math.Round(quality.MeanAbsoluteError, 6),
            },
            parameters.ToJson(),
            new JsonObject
            {
                ["rows"] = new JsonObject { ["total"] = patients.Count, ["train"] = trainRows, ["test"] = testRows },
                ["training_seconds"] = seconds,
                ["feature_names"] = new JsonArray([.. Patient.FeatureNames.Select(name => (JsonNode)name)]),
            });
    }

    private static long Count(IDataView rows)
    {
        using var cursor = rows.GetRowCursor([]);
        var count = 0L;
        while (cursor.MoveNext())
        {
            count++;
        }

        return count;
    }
}
