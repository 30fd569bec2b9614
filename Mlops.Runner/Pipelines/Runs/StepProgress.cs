using Mlops.Runner.Containers;

namespace Mlops.Runner.Pipelines;

/// <summary>What a running step (or item) reports: its invocation goes into its record, its log lines into the run's feed.</summary>
internal sealed class StepProgress(RunState state, string step, int? item) : IStepProgress
{
    public void Invocation(string invocationId) => state.Write(state.Current(step, item) with { InvocationId = invocationId });

    public void Log(OutputStream stream, string line, DateTimeOffset time) =>
        state.Feed.Add(new StepLog(state.Id, time, stream, line) { Step = step, Item = item });
}
