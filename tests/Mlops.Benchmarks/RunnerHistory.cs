using Mlops.V1;

namespace Mlops.Benchmarks;

/// <summary>What a runner's invocation history says about a row's calls: which they were, and where their time went.</summary>
internal static class RunnerHistory
{
    /// <summary>The function's newest <paramref name="count"/> invocations: a row's or a batch's (nothing else calls it meanwhile).</summary>
    public static async Task<IReadOnlyList<Invocation>> NewestAsync(Runner.RunnerClient runner, string function, int count, CancellationToken cancellationToken)
    {
        var newest = (await runner.ListInvocationsAsync(new ListInvocationsRequest { Function = function, PageSize = count }, cancellationToken: cancellationToken)).Invocations;
        return newest.Count == count ? newest : throw new InvalidOperationException($"the runner's history has {newest.Count} invocations of {function}, {count} expected");
    }

    /// <summary>Where a batch's calls spent their time in the runner, as medians: queued for one of its invocation slots, getting a container, running, all.</summary>
    public static void AddPhases(List<(string Name, double Value, string Unit)> figures, string name, IReadOnlyList<Invocation> batch)
    {
        static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
        figures.Add(($"{name}: median in the runner (its total)", Median(batch.Select(i => i.Phases.Total.ToTimeSpan().TotalMilliseconds)), "ms"));
        figures.Add(($"{name}: median queued for an invocation slot", Median(batch.Select(i => i.Phases.Queue.ToTimeSpan().TotalMilliseconds)), "ms"));
        figures.Add(($"{name}: median getting a container (create + start, or hand-over)",
            Median(batch.Select(i => (i.Phases.Create.ToTimeSpan() + i.Phases.Start.ToTimeSpan() + i.Phases.Handover.ToTimeSpan()).TotalMilliseconds)), "ms"));
        figures.Add(($"{name}: median running", Median(batch.Select(i => i.Phases.Run.ToTimeSpan().TotalMilliseconds)), "ms"));
    }
}
