using System.Diagnostics;
using System.Text.Json.Nodes;
using Mlops.Functions;
using Mlops.Functions.Serving;

namespace Predict;

/// <summary>One invocation: the flowers in the parameters, their predictions in result.json.</summary>
internal static class Invocation
{
    /// <summary>The invocation, with the model <see cref="IrisModel.Warm"/> loaded if it is still the one staged.</summary>
    public static void Run(FunctionContext context, IrisModel? warm)
    {
        var parameters = context.Parameters;
        var clock = Stopwatch.StartNew();
        var model = warm is not null && warm.IsLoadedFrom(context.InputModel) ? warm : IrisModel.Load(context.InputModel);
        var (rows, single) = Instances.Read(parameters, model.Features);
        var predictions = model.Predict(rows);
        var seconds = clock.Elapsed.TotalSeconds;
        context.Log.Info($"predicted {rows.Count} flower(s) in {seconds * 1000:F0} ms");
        var modelName = parameters.GetString("model_name");
        var data = new JsonObject
        {
            ["predictions"] = predictions,
            ["model"] = new JsonObject { ["name"] = modelName, ["trainer"] = model.Trainer?.DeepClone() },
        };
        if (single)
        {
            // One flower in, one answer at the top: what the seed's clients read.
            data["class"] = predictions[0]!["class"]!.DeepClone();
            data["probabilities"] = predictions[0]!["probabilities"]!.DeepClone();
        }

        context.WriteResult(new JsonObject { ["rows"] = rows.Count, ["predict_seconds"] = Math.Round(seconds, 4) }, new JsonObject { ["model_name"] = modelName }, data);
    }
}
