namespace Mlops.Runner.Pipelines;

/// <summary>
/// Checks what each step's references name (inputs and steps that exist, ${item} only inside a map step, artifact
/// references only where artifacts go and only to steps that leave some, no field of a map step) and answers what
/// each step waits for: its `after`, the steps it refers to, and a `best`'s map step.
/// </summary>
internal static class PlanReferences
{
    public static Dictionary<string, IReadOnlyList<string>> Check(IReadOnlyList<PipelineInputSpec> inputs, IReadOnlyList<ReadStep> steps)
    {
        var byId = steps.ToDictionary(step => step.Id, StringComparer.Ordinal);
        var inputNames = inputs.Select(input => input.Name).ToHashSet(StringComparer.Ordinal);
        var dependencies = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            var waits = new List<string>();
            for (var i = 0; i < step.After.Count; i++)
            {
                waits.Add(byId.ContainsKey(step.After[i]) ? step.After[i] : throw RunnerException.InvalidArgument($"{step.Path}.after[{i}]", $"'{step.After[i]}' is not a step"));
            }

            foreach (var (field, template, where) in Places(step))
            {
                foreach (var reference in template.References)
                {
                    CheckOne(reference, field, where, step, byId, inputNames);
                    if (reference.Step is { } referenced)
                    {
                        waits.Add(referenced);
                    }
                }
            }

            if (BestSource(step, byId) is { } source)
            {
                waits.Add(source);
            }

            dependencies[step.Id] = waits;
        }

        return dependencies;
    }

    /// <summary>Where a step holds templates, and what may appear there.</summary>
    private static IEnumerable<(string Field, PlanTemplate Template, Place Where)> Places(ReadStep step)
    {
        var definition = step.Definition;
        var inMap = definition.Map is not null ? Place.Item : Place.None;
        foreach (var (name, template) in definition.Parameters)
        {
            var artifact = definition.Action == "register" && name == "model" ? Place.Artifact : Place.None;
            yield return ($"{step.Path}.parameters.{name}", (PlanTemplate)template, inMap | artifact);
        }

        foreach (var (name, template) in definition.Artifacts)
        {
            yield return ($"{step.Path}.artifacts.{name}", (PlanTemplate)template, inMap | Place.Artifact);
        }

        if (definition.Map is { } map)
        {
            yield return ($"{step.Path}.map.over", (PlanTemplate)map.Over, Place.None);
        }

        if (definition.When is PlanCondition when)
        {
            foreach (var operand in when.Operands)
            {
                yield return ($"{step.Path}.when", operand, Place.None);
            }
        }
    }

    private static void CheckOne(Reference reference, string field, Place where, ReadStep step, Dictionary<string, ReadStep> byId, HashSet<string> inputs)
    {
        switch (reference.Kind)
        {
            case ReferenceKind.Input when !inputs.Contains(reference.Name!):
                var known = inputs.Count == 0 ? "the pipeline has no inputs" : $"inputs: {string.Join(", ", inputs)}";
                throw RunnerException.InvalidArgument(field, $"{reference.Text}: there is no input '{reference.Name}' ({known})");
            case ReferenceKind.Item when !where.HasFlag(Place.Item):
                throw RunnerException.InvalidArgument(field, $"{reference.Text}: ${{item}} is only defined in a map step's parameters and artifacts");
            case ReferenceKind.Result or ReferenceKind.Artifact:
                if (!byId.TryGetValue(reference.Name!, out var target))
                {
                    throw RunnerException.InvalidArgument(field, $"{reference.Text}: there is no step '{reference.Name}'");
                }

                if (target.Definition.Map is not null && target.Id != step.Id)
                {
                    throw RunnerException.InvalidArgument(field,
                        $"{reference.Text}: '{target.Id}' is a map step: its items' outputs are not read by field; a 'best' step picks one of them");
                }

                if (reference.Kind == ReferenceKind.Artifact)
                {
                    CheckArtifact(reference, field, where, target);
                }

                break;
        }
    }

    private static void CheckArtifact(Reference reference, string field, Place where, ReadStep target)
    {
        if (!where.HasFlag(Place.Artifact))
        {
            throw RunnerException.InvalidArgument(field, $"{reference.Text}: an artifact reference goes only in a step's 'artifacts' and in register's 'model'");
        }

        PlanNames.CheckArtifact(reference.Path[0], field);
        if (target.Definition.Kind == StepKind.Action && target.Definition.Action != "best")
        {
            throw RunnerException.InvalidArgument(field,
                $"{reference.Text}: step '{target.Id}' ({target.Definition.Action}) leaves no artifacts (function steps and 'best' do)");
        }
    }

    /// <summary>A `best` step's map step: a plain string naming a map step other than itself.</summary>
    private static string? BestSource(ReadStep step, Dictionary<string, ReadStep> byId)
    {
        if (step.Definition.Action != "best" || !step.Definition.Parameters.TryGetValue("from", out var from))
        {
            return null;
        }

        var field = $"{step.Path}.parameters.from";
        if (from is not LiteralTemplate { Value: System.Text.Json.Nodes.JsonValue value } || value.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            throw RunnerException.InvalidArgument(field, "must be the id of a map step, as a plain string (\"train\")");
        }

        var id = value.GetValue<string>();
        return byId.TryGetValue(id, out var source) && source.Definition.Map is not null
            ? id
            : throw RunnerException.InvalidArgument(field, byId.ContainsKey(id) ? $"'{id}' is not a map step" : $"there is no step '{id}'");
    }

    [Flags]
    private enum Place
    {
        None = 0,
        Item = 1,
        Artifact = 2,
    }
}
