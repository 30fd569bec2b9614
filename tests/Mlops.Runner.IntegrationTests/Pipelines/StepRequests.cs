extern alias runner;

using System.Text.Json.Nodes;
using runner::Mlops.Runner;
using runner::Mlops.Runner.Containers;
using runner::Mlops.Runner.Pipelines;

namespace Mlops.Runner.IntegrationTests.Pipelines;

/// <summary>One step of the iris example as the run engine would hand it to the executor (run "run-1" of pipeline "iris").</summary>
internal static class StepRequests
{
    public static StepWork For(string id, string? function, string? action, JsonObject parameters,
        IReadOnlyDictionary<string, string>? inputs = null, IReadOnlyDictionary<string, StepOutputs>? earlier = null, int? item = null)
    {
        var step = new StepDefinition(id, function is null ? StepKind.Action : StepKind.Function, function, action,
            new Dictionary<string, ValueTemplate>(), new Dictionary<string, ValueTemplate>(), null, null, 0, null, true, []);
        var scope = new RunScope([], earlier ?? new Dictionary<string, StepOutputs>(), null);
        return new StepWork("run-1", "iris", step, item, parameters, inputs ?? new Dictionary<string, string>(), scope, Caller.Runner);
    }
}

/// <summary>What a step reported while it ran.</summary>
public sealed class StepReport : IStepProgress
{
    public List<string> Invocations { get; } = [];

    public List<string> Lines { get; } = [];

    public void Invocation(string invocationId) => Invocations.Add(invocationId);

    public void Log(OutputStream stream, string line, DateTimeOffset time) => Lines.Add(line);
}
