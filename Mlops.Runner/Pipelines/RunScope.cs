using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>What a step's references can see when it is about to run: the run's inputs, finished steps' outputs, and the map element.</summary>
/// <param name="Inputs">The run's inputs, defaults filled in.</param>
/// <param name="Steps">Outputs of the steps that have succeeded so far, by id (a map step's: its items').</param>
/// <param name="Item">The current element of a map step; null outside one.</param>
public sealed record RunScope(JsonObject Inputs, IReadOnlyDictionary<string, StepOutputs> Steps, JsonNode? Item);

/// <summary>What a finished step left for the steps after it.</summary>
/// <param name="Result">A function step's result.json ({"metrics","params","data"}); an action's output object.</param>
/// <param name="Artifacts">Output artifact name -> "sha256:&lt;hex&gt;".</param>
/// <param name="Items">A map step's items' outputs in list order (a skipped or failed item: null); null for other steps.</param>
public sealed record StepOutputs(JsonObject Result, IReadOnlyDictionary<string, string> Artifacts, IReadOnlyList<StepOutputs?>? Items = null)
{
    /// <summary>The step (and item) that produced <see cref="Artifacts"/>: "split", "train[2]" (a `best` passes its winner's on).</summary>
    public string? Source { get; init; }

    /// <summary>The input artifacts (name -> digest) of the step that produced <see cref="Artifacts"/>: lineage.</summary>
    public IReadOnlyDictionary<string, string> InputArtifacts { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A parameter's value as written: a literal, a string that is exactly one reference (keeps the referenced value's
/// type), or a string with references formatted into it; objects and arrays may hold templates.
/// </summary>
public abstract class ValueTemplate
{
    /// <summary>The value in <paramref name="scope"/>; a reference to something absent throws InvalidArgument naming <paramref name="field"/>.</summary>
    public abstract JsonNode? Resolve(RunScope scope, string field);

    /// <summary>The steps this template refers to.</summary>
    public abstract IEnumerable<string> Steps { get; }

    /// <summary>As written in pipeline.json.</summary>
    public abstract override string ToString();
}

/// <summary>A `when`: a comparison of two operands, or one boolean operand.</summary>
public abstract class Condition
{
    public abstract bool Evaluate(RunScope scope, string field);

    public abstract IEnumerable<string> Steps { get; }

    /// <summary>As written in pipeline.json.</summary>
    public abstract override string ToString();
}
