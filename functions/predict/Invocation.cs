using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Predict;

/// <summary>One invocation: params.json in, result.json (or error.json) out, then exit.</summary>
internal static class Invocation
{
    public static int Run(FunctionIo io)
    {
        try
        {
            var parameters = io.ReadParameters();
            var clock = Stopwatch.StartNew();
            if (IrisModel.Load(io.ModelInput) is not { } model)
            {
                io.WriteError("FAILED_PRECONDITION", "there is no trained model to predict with: invoke 'train' first");
                Console.Error.WriteLine("no model at " + io.ModelInput);
                return 1;
            }

            var (rows, single) = FlowerInput.Parse(parameters, model.FeatureNames);
            var predictions = model.Predict(rows);
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"predicted {rows.Count} flower(s) in {seconds * 1000:F0} ms");
            var data = new JsonObject
            {
                ["predictions"] = predictions,
                ["model"] = new JsonObject { ["name"] = parameters["model_name"]?.GetValue<string>() ?? "iris_model", ["trainer"] = model.Trainer?.DeepClone() },
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
    }
}
