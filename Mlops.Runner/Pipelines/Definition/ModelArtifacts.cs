namespace Mlops.Runner.Pipelines;

/// <summary>
/// A reference to a step's artifact `model` is only good when that step's function produces a model (for a `best`,
/// the function of the map step it picks from): otherwise the run would stop there, after everything before it.
/// </summary>
internal static class ModelArtifacts
{
    public const string Name = "model";

    public static void Check(IReadOnlyList<ReadStep> steps, IReadOnlyDictionary<string, Functions.FunctionManifest> manifests)
    {
        var byId = steps.ToDictionary(step => step.Id, StringComparer.Ordinal);
        foreach (var step in steps)
        {
            var uses = step.Definition.Artifacts.Select(pair => ($"{step.Path}.artifacts.{pair.Key}", pair.Value))
                .Concat(step.Definition.Action == "register" ? [($"{step.Path}.parameters.model", step.Definition.Parameters["model"])] : []);
            foreach (var (field, template) in uses)
            {
                if (template is not ReferenceTemplate { Reference: { Kind: ReferenceKind.Artifact, Path: [Name] } reference })
                {
                    continue;
                }

                var producer = byId[reference.Name!].Definition;
                if (producer.Action == "best" && producer.Parameters["from"] is LiteralTemplate { Value: { } from })
                {
                    producer = byId[from.GetValue<string>()].Definition;
                }

                if (manifests.TryGetValue(producer.Id, out var manifest) && !manifest.Model.Produces)
                {
                    throw RunnerException.InvalidArgument(field,
                        $"{reference.Text}: function '{manifest.Name}' of step '{producer.Id}' produces no model (its {Functions.FunctionManifest.FileName} says so)");
                }
            }
        }
    }
}
