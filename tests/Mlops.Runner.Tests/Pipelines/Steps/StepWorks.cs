using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Steps;

/// <summary>Steps ready to run, as the run engine hands them over, for tests of one step.</summary>
internal static class StepWorks
{
    public static StepWork Function(string function, JsonObject parameters, IReadOnlyDictionary<string, string>? inputs = null, string id = "train", int? item = null) =>
        Work(new StepDefinition(id, StepKind.Function, function, null, Templates(), Templates(), null, null, 0, null, true, []), parameters, inputs, item: item);

    public static StepWork Action(string action, JsonObject parameters, IReadOnlyDictionary<string, StepOutputs>? steps = null, string id = "act", TimeSpan? timeout = null) =>
        Work(new StepDefinition(id, StepKind.Action, null, action, Templates(), Templates(), null, null, 0, timeout, true, []), parameters, null, steps);

    private static StepWork Work(StepDefinition step, JsonObject parameters, IReadOnlyDictionary<string, string>? inputs, IReadOnlyDictionary<string, StepOutputs>? steps = null, int? item = null) =>
        new("run-1", "iris", step, item, parameters, inputs ?? new Dictionary<string, string>(), new RunScope([], steps ?? new Dictionary<string, StepOutputs>(), null), Caller.Runner);

    private static Dictionary<string, ValueTemplate> Templates() => [];
}

/// <summary>What a step reported, kept for the test to look at.</summary>
internal sealed class RecordedProgress : IStepProgress
{
    public List<string> Invocations { get; } = [];

    public List<string> Lines { get; } = [];

    public void Invocation(string invocationId) => Invocations.Add(invocationId);

    public void Log(Mlops.Runner.Containers.OutputStream stream, string line, DateTimeOffset time) => Lines.Add(line);
}
