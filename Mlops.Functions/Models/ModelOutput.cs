using System.Text.Json.Nodes;

namespace Mlops.Functions.Models;

/// <summary>The folder a function leaves its trained model in, made on first use.</summary>
public sealed class ModelOutput(string folder)
{
    /// <summary>The folder, for the model's own files (an ML.NET model.zip, say).</summary>
    public string Folder => Directory.CreateDirectory(folder).FullName;

    /// <summary>A file in the model's folder.</summary>
    public string PathOf(string fileName) => Path.Combine(Folder, fileName);

    /// <summary>Writes a JSON file of the model's own (its metadata, for instance).</summary>
    public void WriteJson(string fileName, JsonNode content) => FunctionContext.Write(PathOf(fileName), content);

    /// <summary>Writes <c>mlflow.json</c>: the runner makes the model's MLmodel file from it when it registers the model.</summary>
    public void Describe(MlflowDescription description) => WriteJson("mlflow.json", description.ToJson());
}
