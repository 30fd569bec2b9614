using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Predict;

// Predicts Iris species with the model the runner staged in /mlops/input/model.
var io = FunctionIo.FromEnvironment();
try
{
    var parameters = io.ReadParameters();
    var modelFile = Path.Combine(io.ModelInput, "model.zip");
    var metadataFile = Path.Combine(io.ModelInput, "model.json");
    if (!File.Exists(modelFile) || !File.Exists(metadataFile))
    {
        io.WriteError("FAILED_PRECONDITION", "there is no trained model to predict with: invoke 'train' first");
        Console.Error.WriteLine("no model at " + io.ModelInput);
        return 1;
    }

    var metadata = JsonNode.Parse(File.ReadAllText(metadataFile))!;
    var classes = metadata["class_names"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray();
    var featureNames = metadata["feature_names"]!.AsArray().Select(f => f!.GetValue<string>()).ToArray();
    var (rows, single) = FlowerInput.Parse(parameters, featureNames);

    var clock = Stopwatch.StartNew();
    var ml = new MLContext();
    var model = ml.Model.Load(modelFile, out _);
    var scored = model.Transform(ml.Data.LoadFromEnumerable(rows.Select(r => new Flower
    {
        SepalLength = r[0],
        SepalWidth = r[1],
        PetalLength = r[2],
        PetalWidth = r[3],
    })));
    var predictions = new JsonArray();
    foreach (var row in ml.Data.CreateEnumerable<ScoredFlower>(scored, reuseRowObject: false))
    {
        predictions.Add(Prediction(classes, row.Score));
    }

    var seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"predicted {rows.Count} flower(s) in {seconds * 1000:F0} ms");
    var data = new JsonObject
    {
        ["predictions"] = predictions,
        ["model"] = new JsonObject { ["name"] = parameters["model_name"]?.GetValue<string>() ?? "iris_model", ["trainer"] = metadata["trainer"]?.DeepClone() },
    };
    if (single)
    {
        // One flower in, one answer at the top: what the seed's clients read.
        data["class"] = predictions[0]!["class"]!.DeepClone();
        data["probabilities"] = predictions[0]!["probabilities"]!.DeepClone();
    }

    io.WriteResult(new JsonObject { ["rows"] = rows.Count, ["predict_seconds"] = Math.Round(seconds, 4) }, new JsonObject { ["model_name"] = data["model"]!["name"]!.DeepClone() }, data);
    return 0;
}
catch (InvalidInputException ex)
{
    io.WriteError("INVALID_ARGUMENT", ex.Message);
    Console.Error.WriteLine(ex.Message);
    return 1;
}

static JsonObject Prediction(string[] classes, float[] scores)
{
    // The forests' calibrated scores, normalised so that the probabilities of all species sum to 1.
    var clipped = scores.Select(s => float.IsFinite(s) ? Math.Max(s, 0.0) : 0.0).ToArray();
    var sum = clipped.Sum();
    var probabilities = new JsonObject();
    for (var i = 0; i < classes.Length; i++)
    {
        probabilities[classes[i]] = sum > 0 ? clipped[i] / sum : 1.0 / classes.Length;
    }

    var best = Array.IndexOf(clipped, clipped.Max());
    return new JsonObject { ["class"] = classes[best], ["probabilities"] = probabilities };
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
