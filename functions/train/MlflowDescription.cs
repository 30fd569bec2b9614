using System.Text.Json.Nodes;

namespace Train;

/// <summary>
/// What MLflow needs to recognise this model, in model/mlflow.json; the runner writes the model's MLmodel file
/// from it, adding the run. The signature is what predict takes and answers per flower: the four measurements
/// in, and the probability of each species out (predict's "class" is the likeliest of them, not a model output).
/// </summary>
internal static class MlflowDescription
{
    public static JsonObject Of(string mlnetVersion, IEnumerable<string> featureNames, IEnumerable<string> classes) => new()
    {
        // Only a flavor of our own. No python_function flavor: it promises that mlflow.pyfunc.load_model can
        // load the model through a Python loader_module, and no Python module can run an ML.NET model.zip.
        ["flavors"] = new JsonObject
        {
            ["mlnet"] = new JsonObject { ["data"] = "model.zip", ["mlnet_version"] = mlnetVersion },
        },
        ["signature"] = new JsonObject
        {
            // "float" is MLflow's 32-bit type, what the model reads; predict answers probabilities as 64-bit numbers.
            ["inputs"] = Columns(featureNames, "float"),
            ["outputs"] = Columns(classes, "double"),
        },
    };

    private static JsonArray Columns(IEnumerable<string> names, string type) =>
        new(names.Select(name => (JsonNode)new JsonObject { ["name"] = name, ["type"] = type }).ToArray());
}
