namespace Mlops.Runner.Pipelines;

/// <summary>
/// The steps in an order they may run in: each after what it depends on, ties by their order in the file, so that
/// the same file always gives the same plan. A cycle is refused, named step by step.
/// </summary>
internal static class StepOrder
{
    /// <param name="dependencies">Step id -> the ids it waits for (each names a step).</param>
    public static List<StepDefinition> Sort(IReadOnlyList<ReadStep> steps, IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        if (FindCycle(steps, dependencies) is { } cycle)
        {
            throw RunnerException.InvalidArgument("steps", $"a cycle: {string.Join(" -> ", cycle)} (each waits for the next)");
        }

        var placed = new Dictionary<string, int>(StringComparer.Ordinal);
        var ordered = new List<StepDefinition>();
        while (ordered.Count < steps.Count)
        {
            var next = steps.First(step => !placed.ContainsKey(step.Id) && dependencies[step.Id].All(placed.ContainsKey));
            var dependsOn = dependencies[next.Id].Distinct(StringComparer.Ordinal).OrderBy(id => placed[id]).ToList();
            placed[next.Id] = ordered.Count;
            ordered.Add(next.Definition with { DependsOn = dependsOn });
        }

        return ordered;
    }

    /// <summary>The first cycle a depth-first walk in file order meets, from its first step back to it; null when none.</summary>
    private static List<string>? FindCycle(IReadOnlyList<ReadStep> steps, IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var trail = new List<string>();

        List<string>? Visit(string id)
        {
            var at = trail.IndexOf(id);
            if (at >= 0)
            {
                return [.. trail.Skip(at), id];
            }

            if (!done.Add(id))
            {
                return null;
            }

            trail.Add(id);
            foreach (var dependency in dependencies[id])
            {
                if (Visit(dependency) is { } cycle)
                {
                    return cycle;
                }
            }

            trail.RemoveAt(trail.Count - 1);
            return null;
        }

        return steps.Select(step => Visit(step.Id)).FirstOrDefault(cycle => cycle is not null);
    }
}
