using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.ML;

namespace Predict;

/// <summary>
/// A trained Iris model (model.zip and model.json, as train writes them), loaded once. Predictions run
/// on a pool of ML.NET prediction engines: one engine is not thread-safe, and making one per call is slow.
/// </summary>
internal sealed class IrisModel
{
    private readonly MLContext _ml = new();
    private readonly ITransformer _model;
    private readonly ConcurrentBag<PredictionEngine<Flower, ScoredFlower>> _engines = [];

    private IrisModel(ITransformer model, string[] classes, string[] featureNames, JsonNode? trainer)
    {
        _model = model;
        Classes = classes;
        FeatureNames = featureNames;
        Trainer = trainer;
    }

    public string[] Classes { get; }

    public string[] FeatureNames { get; }

    public JsonNode? Trainer { get; }

    /// <summary>The model in <paramref name="folder"/>, or null when there is none.</summary>
    public static IrisModel? Load(string folder)
    {
        var modelFile = Path.Combine(folder, "model.zip");
        var metadataFile = Path.Combine(folder, "model.json");
        if (!File.Exists(modelFile) || !File.Exists(metadataFile))
        {
            return null;
        }

        var metadata = JsonNode.Parse(File.ReadAllText(metadataFile))!;
        var classes = metadata["class_names"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray();
        var featureNames = metadata["feature_names"]!.AsArray().Select(f => f!.GetValue<string>()).ToArray();
        var ml = new MLContext();
        var model = ml.Model.Load(modelFile, out _);
        return new IrisModel(model, classes, featureNames, metadata["trainer"]?.DeepClone());
    }

    /// <summary>One prediction per row: the most likely class and the probability of each.</summary>
    public JsonArray Predict(IReadOnlyList<float[]> rows)
    {
        if (!_engines.TryTake(out var engine))
        {
            engine = _ml.Model.CreatePredictionEngine<Flower, ScoredFlower>(_model);
        }

        try
        {
            var predictions = new JsonArray();
            var flower = new Flower();
            var scored = new ScoredFlower();
            foreach (var row in rows)
            {
                (flower.SepalLength, flower.SepalWidth, flower.PetalLength, flower.PetalWidth) = (row[0], row[1], row[2], row[3]);
                engine.Predict(flower, ref scored);
                predictions.Add(Prediction(scored.Score));
            }

            return predictions;
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    private JsonObject Prediction(float[] scores)
    {
        // The forests' calibrated scores, normalised so that the probabilities of all species sum to 1.
        var clipped = scores.Select(s => float.IsFinite(s) ? Math.Max(s, 0.0) : 0.0).ToArray();
        var sum = clipped.Sum();
        var probabilities = new JsonObject();
        for (var i = 0; i < Classes.Length; i++)
        {
            probabilities[Classes[i]] = sum > 0 ? clipped[i] / sum : 1.0 / Classes.Length;
        }

        var best = Array.IndexOf(clipped, clipped.Max());
        return new JsonObject { ["class"] = Classes[best], ["probabilities"] = probabilities };
    }
}

internal sealed class Flower
{
    public float SepalLength { get; set; }

    public float SepalWidth { get; set; }

    public float PetalLength { get; set; }

    public float PetalWidth { get; set; }

    // The saved pipeline maps a label column; at prediction time it is empty.
    public string Species { get; set; } = "";
}

internal sealed class ScoredFlower
{
    public float[] Score { get; set; } = [];
}
