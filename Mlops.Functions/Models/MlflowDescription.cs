using System.Reflection;
using System.Text.Json.Nodes;

namespace Mlops.Functions.Models;

/// <summary>
/// What MLflow needs to recognise a model (<c>model/mlflow.json</c>): its flavor, and its signature, the
/// columns it reads and answers. The runner writes the MLmodel file from it, adding the run.
/// </summary>
/// <param name="Flavor">The flavor's name.</param>
/// <param name="FlavorProperties">The flavor's properties (its data file, its framework's version).</param>
/// <param name="Inputs">The columns the model reads, as (name, MLflow type).</param>
/// <param name="Outputs">The columns the model answers.</param>
public sealed record MlflowDescription(string Flavor, JsonObject FlavorProperties,
    IReadOnlyList<(string Name, string Type)> Inputs, IReadOnlyList<(string Name, string Type)> Outputs)
{
    /// <summary>
    /// An ML.NET model saved as <c>model.zip</c> that reads 32-bit features (MLflow's "float") and answers one
    /// number per output (64-bit, "double", unless <paramref name="outputType"/> says otherwise).
    /// </summary>
    /// <param name="mlnet">ML.NET's assembly (<c>typeof(MLContext).Assembly</c>), whose version is recorded.</param>
    /// <param name="features">The model's input columns, in order.</param>
    /// <param name="outputs">The model's output columns.</param>
    /// <param name="outputType">The MLflow type of the outputs.</param>
    public static MlflowDescription MlNet(Assembly mlnet, IEnumerable<string> features, IEnumerable<string> outputs, string outputType = "double") => new(
        // Only a flavor of our own. No python_function flavor: it promises that mlflow.pyfunc.load_model can
        // load the model through a Python loader_module, and no Python module can run an ML.NET model.zip.
        "mlnet",
        new JsonObject { ["data"] = "model.zip", ["mlnet_version"] = VersionOf(mlnet) },
        [.. features.Select(name => (name, "float"))],
        [.. outputs.Select(name => (name, outputType))]);

    /// <summary>An assembly's version as its package states it, without the source revision.</summary>
    public static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    /// <summary>The description as mlflow.json holds it.</summary>
    public JsonObject ToJson() => new()
    {
        ["flavors"] = new JsonObject { [Flavor] = FlavorProperties.DeepClone() },
        ["signature"] = new JsonObject { ["inputs"] = Columns(Inputs), ["outputs"] = Columns(Outputs) },
    };

    private static JsonArray Columns(IEnumerable<(string Name, string Type)> columns) =>
        [.. columns.Select(column => (JsonNode)new JsonObject { ["name"] = column.Name, ["type"] = column.Type })];
}
