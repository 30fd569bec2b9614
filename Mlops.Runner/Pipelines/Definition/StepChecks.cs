using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// Checks each step's parameters against what it runs: a function's manifest (as the functions are now) or an action's
/// declaration. Literals go through the function's own rules; references of a known type are checked against the
/// parameter's; a required parameter without a default must be given.
/// </summary>
internal static class StepChecks
{
    public static async Task CheckAsync(
        IReadOnlyList<PipelineInputSpec> inputs,
        IReadOnlyList<ReadStep> steps,
        Func<string, CancellationToken, Task<FunctionManifest>> functions,
        CancellationToken cancellationToken)
    {
        var inputsByName = inputs.ToDictionary(input => input.Name, StringComparer.Ordinal);
        var manifests = new Dictionary<string, FunctionManifest>(StringComparer.Ordinal);
        foreach (var step in steps.Where(step => step.Definition.Kind == StepKind.Function))
        {
            manifests[step.Id] = await FunctionOf(step.Definition.Function!, $"{step.Path}.function", functions, cancellationToken);
        }

        foreach (var step in steps)
        {
            var definition = step.Definition;
            OperandChecks.CheckWhen(step, inputsByName);
            OperandChecks.CheckOver(step, inputsByName);
            if (definition.Kind == StepKind.Function)
            {
                CheckParameters(step, manifests[step.Id].Parameters, $"function '{definition.Function}'", inputsByName);
                CheckArtifactInputs(step);
            }
            else
            {
                CheckParameters(step, ActionSignatures.Of(definition.Action!), $"action '{definition.Action}'", inputsByName);
                await CheckActionAsync(step, functions, cancellationToken);
            }
        }

        ModelArtifacts.Check(steps, manifests);
    }

    private static void CheckParameters(ReadStep step, IReadOnlyList<ParameterSpec> specs, string owner, Dictionary<string, PipelineInputSpec> inputs)
    {
        var byName = specs.ToDictionary(spec => spec.Name, StringComparer.Ordinal);
        foreach (var (name, template) in step.Definition.Parameters)
        {
            var field = $"{step.Path}.parameters.{name}";
            if (!byName.TryGetValue(name, out var spec))
            {
                var expected = byName.Count == 0 ? $"{owner} takes no parameters" : $"{owner} takes {string.Join(", ", byName.Keys)}";
                throw RunnerException.InvalidArgument(field, $"unknown parameter; {expected}");
            }

            if (template is LiteralTemplate { Value: { } value })
            {
                var problem = ParameterValidator.Check(spec, value, out _);
                if (problem is not null)
                {
                    throw RunnerException.InvalidArgument(field + problem.Index, problem.Description);
                }
            }
            else if (StaticType.Of((PlanTemplate)template, step.Definition, inputs)?.Mismatch(spec.Type, spec.ItemType) is { } mismatch)
            {
                throw RunnerException.InvalidArgument(field, mismatch);
            }
            else
            {
                CheckDefaults((PlanTemplate)template, spec, field, step.Definition, inputs);
            }
        }

        foreach (var spec in specs.Where(spec => spec.Required && spec.Default is null))
        {
            if (step.Definition.Parameters.GetValueOrDefault(spec.Name) is null or LiteralTemplate { Value: null })
            {
                throw RunnerException.InvalidArgument($"{step.Path}.parameters.{spec.Name}", $"is required by {owner}");
            }
        }
    }

    /// <summary>
    /// An input's default that breaks the parameter's rules (its bounds, its allowed values) would fail every run that
    /// leaves the input out: so would an element of a default list a map goes over.
    /// </summary>
    private static void CheckDefaults(PlanTemplate template, ParameterSpec spec, string field, StepDefinition step, Dictionary<string, PipelineInputSpec> inputs)
    {
        if (template is not ReferenceTemplate { Reference: var reference })
        {
            return;
        }

        var (source, values) = reference switch
        {
            { Kind: ReferenceKind.Input } when inputs[reference.Name!].Default is { } value => ($"{reference.Text}'s default", new[] { value }),
            { Kind: ReferenceKind.Item, Path.Count: 0 } when step.Map?.Over is ReferenceTemplate { Reference: { Kind: ReferenceKind.Input } over }
                && inputs[over.Name!].Default is JsonArray list => ($"an element of {over.Text}'s default", list.OfType<JsonNode>().ToArray()),
            { Kind: ReferenceKind.Item, Path.Count: 0 } when step.Map?.Over is LiteralTemplate { Value: JsonArray list } =>
                ($"an element of {step.Map.Over}", list.OfType<JsonNode>().ToArray()),
            _ => ("", []),
        };
        foreach (var value in values)
        {
            if (ParameterValidator.Check(spec, value, out _) is { } problem)
            {
                throw RunnerException.InvalidArgument(field, $"{source}, {value.ToJsonString()}, breaks the parameter's rules: {problem.Description}{problem.Index}");
            }
        }
    }

    private static void CheckArtifactInputs(ReadStep step)
    {
        foreach (var (name, template) in step.Definition.Artifacts)
        {
            if (template is not ReferenceTemplate { Reference.Kind: ReferenceKind.Artifact })
            {
                throw RunnerException.InvalidArgument($"{step.Path}.artifacts.{name}", "must be one artifact reference: \"${steps.<id>.artifacts.<name>}\"");
            }
        }
    }

    private static async Task CheckActionAsync(ReadStep step, Func<string, CancellationToken, Task<FunctionManifest>> functions, CancellationToken cancellationToken)
    {
        var parameters = step.Definition.Parameters;
        switch (step.Definition.Action)
        {
            case "register" when parameters["model"] is not ReferenceTemplate { Reference.Kind: ReferenceKind.Artifact }:
                throw RunnerException.InvalidArgument($"{step.Path}.parameters.model", "must be one artifact reference: \"${steps.<id>.artifacts.model}\"");
            case "alias" when parameters.GetValueOrDefault("ifBetter") is LiteralTemplate { Value: JsonObject ifBetter }:
                CheckIfBetter(ifBetter, $"{step.Path}.parameters.ifBetter");
                break;
            case "deploy" when parameters["function"] is LiteralTemplate { Value: JsonValue function }:
                var field = $"{step.Path}.parameters.function";
                var manifest = await FunctionOf(FunctionName.Validate(function.GetValue<string>(), field), field, functions, cancellationToken);
                if (manifest.Serving is null)
                {
                    throw RunnerException.InvalidArgument(field, $"function '{manifest.Name}' does not serve (its {FunctionManifest.FileName} has no 'serving')");
                }

                break;
        }

        if (step.Definition.Action == "deploy")
        {
            CheckReplicaRange(parameters, step.Path);
        }
    }

    /// <summary>Literal replica counts the endpoint would refuse, refused now rather than at the deploy step.</summary>
    private static void CheckReplicaRange(IReadOnlyDictionary<string, ValueTemplate> parameters, string path)
    {
        if (parameters.GetValueOrDefault("minReplicas") is LiteralTemplate { Value: JsonValue min } &&
            parameters.GetValueOrDefault("maxReplicas") is LiteralTemplate { Value: JsonValue max } &&
            min.TryGetValue(out int least) && max.TryGetValue(out int most) && most < least)
        {
            throw RunnerException.InvalidArgument($"{path}.parameters.maxReplicas", $"must be at least minReplicas ({least}), got {most}");
        }
    }

    private static void CheckIfBetter(JsonObject ifBetter, string path)
    {
        StrictJson.RejectUnknownKeys(ifBetter, ["metric", "goal"], path);
        if (StrictJson.OptionalString(ifBetter, "metric", path) is null)
        {
            throw RunnerException.InvalidArgument($"{path}.metric", "is required: the metric the versions are compared by");
        }

        if (StrictJson.OptionalString(ifBetter, "goal", path) is { } goal && !ActionSignatures.Goals().Any(g => g.GetValue<string>() == goal))
        {
            throw RunnerException.InvalidArgument($"{path}.goal", $"'{goal}' is not one of max, min");
        }
    }

    /// <summary>The function's manifest; one missing or broken is this step's error.</summary>
    private static async Task<FunctionManifest> FunctionOf(string name, string field, Func<string, CancellationToken, Task<FunctionManifest>> functions, CancellationToken cancellationToken)
    {
        try
        {
            return await functions(name, cancellationToken);
        }
        catch (RunnerException ex) when (ex.Kind is ErrorKind.NotFound or ErrorKind.FailedPrecondition)
        {
            throw RunnerException.InvalidArgument(field, ex.Message);
        }
    }
}
