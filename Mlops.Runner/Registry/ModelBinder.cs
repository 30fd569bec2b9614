using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Registry;

/// <summary>The model a function reads or writes.</summary>
/// <param name="Version">The version a consuming function gets; null for one that only produces.</param>
public sealed record ModelBinding(string Name, ModelVersion? Version, bool Produces)
{
    /// <summary>Where models go in and come out: /mlops/input/model and /mlops/output/model.</summary>
    public const string Folder = "model";
}

/// <summary>
/// Binds a function to its model: the model_name parameter (or the manifest's name), and for one that reads,
/// the version model_version names (latest, a number, @alias, or a models:/ URI). Resolved before anything
/// is started, so a model that does not exist is refused first.
/// </summary>
public sealed class ModelBinder(IModelRegistry registry, ModelCache cache, FunctionCatalog catalog)
{
    public async Task<ModelBinding?> BindAsync(FunctionManifest manifest, JsonObject parameters, CancellationToken cancellationToken)
    {
        if (manifest.Model is not { Consumes: true } and not { Produces: true })
        {
            return null;
        }

        using var span = manifest.Model.Consumes ? RunnerTelemetry.Source.StartActivity("resolve model") : null;
        var name = RegistryNames.Model(Text(parameters, "model_name") ?? manifest.Model.DefaultName ?? manifest.Name, $"{ParameterValidator.FieldPrefix}.model_name");
        if (!manifest.Model.Consumes)
        {
            return new ModelBinding(name, null, Produces: true);
        }

        var (uriModel, reference) = VersionReference.Parse(Text(parameters, "model_version"), $"{ParameterValidator.FieldPrefix}.model_version");
        name = uriModel ?? name;
        try
        {
            var binding = new ModelBinding(name, await reference.ResolveAsync(registry, name, cancellationToken), manifest.Model.Produces);
            span?.SetTag(RunnerTelemetry.ModelUri, binding.Version?.Uri);
            return binding;
        }
        catch (RunnerException ex) when (ex.Kind == ErrorKind.NotFound && reference is VersionReference.Latest && name == (manifest.Model.DefaultName ?? manifest.Name))
        {
            // The function's own model, not trained yet: a state to change, not a name to correct.
            var functions = await catalog.ListAsync(cancellationToken);
            var producer = functions.FirstOrDefault(f => f.Manifest?.Model is { Produces: true } m && (m.DefaultName ?? f.Name) == name)?.Name ?? "the function that trains it";
            throw RunnerException.FailedPrecondition($"there is no model '{name}' yet: invoke '{producer}' first to train one");
        }
    }

    /// <summary>Puts the bound version's files (from the verified cache) into the function's input folder.</summary>
    public async Task StageAsync(ModelBinding binding, string inputDirectory, CancellationToken cancellationToken)
    {
        if (binding.Version is not { } version)
        {
            return;
        }

        var source = await cache.GetAsync(version, cancellationToken);
        var target = Path.Combine(inputDirectory, ModelBinding.Folder);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private static string? Text(JsonObject parameters, string name) =>
        parameters[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
