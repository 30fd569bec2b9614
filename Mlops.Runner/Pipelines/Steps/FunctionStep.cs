using System.Text.Json.Nodes;
using Mlops.Runner.Invocations;

namespace Mlops.Runner.Pipelines;

/// <summary>A function step as one invocation through the conductor: hardened, admitted and counted like any other, with its artifacts.</summary>
public sealed class FunctionStep(InvocationConductor conductor, ArtifactStore store, ILogger<FunctionStep> logger)
{
    public async Task<StepOutputs> ExecuteAsync(StepWork work, IStepProgress progress, CancellationToken cancellationToken)
    {
        using var artifacts = new StepArtifacts(store, work, logger);
        var result = new JsonObject { ["metrics"] = new JsonObject(), ["params"] = new JsonObject(), ["data"] = new JsonObject() };
        await foreach (var item in conductor.InvokeAsync(work.Step.Function, work.Parameters, work.Caller.KeyId, artifacts, cancellationToken))
        {
            switch (item)
            {
                case InvocationAccepted accepted:
                    progress.Invocation(accepted.InvocationId);
                    break;
                case InvocationLog line:
                    progress.Log(line.Stream, line.Line, line.Time);
                    break;
                case InvocationResult answer:
                    result = new JsonObject
                    {
                        ["metrics"] = answer.Metrics.DeepClone(),
                        ["params"] = answer.Params.DeepClone(),
                        ["data"] = answer.Data.DeepClone(),
                    };
                    break;
            }
        }

        return new StepOutputs(result, new Dictionary<string, string>(artifacts.Outputs)) { Source = work.Name, InputArtifacts = work.InputArtifacts };
    }
}
