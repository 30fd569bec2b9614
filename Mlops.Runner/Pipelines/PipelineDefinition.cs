using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// A validated pipeline.json: its inputs and its steps in an order they may run in (each after those it depends on).
/// Made only by the pipeline reader, which refuses a file that does not validate with InvalidArgument naming
/// the step and field ("steps.train.parameters.n_estimators: ...").
/// </summary>
/// <param name="Digest">"sha256:&lt;hex&gt;" of the file's bytes.</param>
public sealed record PipelineDefinition(
    string Name,
    string Description,
    IReadOnlyList<PipelineInputSpec> Inputs,
    IReadOnlyList<StepDefinition> Steps,
    bool Cache,
    string Digest)
{
    public const string FileName = "pipeline.json";

    public StepDefinition Step(string id) => Steps.First(step => step.Id == id);
}

/// <param name="Type">string | integer | number | boolean | array.</param>
/// <param name="ItemType">The element type of an array input; null otherwise.</param>
public sealed record PipelineInputSpec(string Name, string Type, string? ItemType, JsonNode? Default, bool Required, string Description);

public enum StepKind
{
    Function,
    Action,
}

/// <summary>One step as written, its references parsed.</summary>
/// <param name="Function">The function of a function step; null for an action.</param>
/// <param name="Action">best | register | alias | deploy | call for an action; null for a function step.</param>
/// <param name="Parameters">Parameter name -> value template (literal or references).</param>
/// <param name="Artifacts">Input artifact name -> template holding one artifact reference (function steps only).</param>
/// <param name="Map">Set when the step runs once per element of a list.</param>
/// <param name="When">Null when the step always runs.</param>
/// <param name="Timeout">Null: the function's own timeoutSeconds (an action: 300 s).</param>
/// <param name="DependsOn">Ids of the steps named in `after` and in the step's references, distinct, in plan order.</param>
public sealed record StepDefinition(
    string Id,
    StepKind Kind,
    string? Function,
    string? Action,
    IReadOnlyDictionary<string, ValueTemplate> Parameters,
    IReadOnlyDictionary<string, ValueTemplate> Artifacts,
    MapSpec? Map,
    Condition? When,
    int Retries,
    TimeSpan? Timeout,
    bool Cache,
    IReadOnlyList<string> DependsOn);

/// <param name="Over">A template giving the list.</param>
public sealed record MapSpec(ValueTemplate Over, int Concurrency, double MinSuccessRatio);
