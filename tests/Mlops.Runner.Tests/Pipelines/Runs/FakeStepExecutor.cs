using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mlops.Runner.Containers;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Runs;

/// <summary>
/// Keys a step as the real executor does (what it runs, its parameters, its inputs' digests) and runs it by what the
/// test set for its step id; by default it answers {"metrics": {"value": the item or 1}} and an artifact "out".
/// </summary>
internal sealed class FakeStepExecutor : IStepExecutor
{
    private int _running;

    public ConcurrentDictionary<string, Func<StepWork, CancellationToken, Task<StepOutputs>>> Behaviours { get; } = new();

    /// <summary>Each execution's step name ("train[1]"), in the order they began.</summary>
    public ConcurrentQueue<string> Executed { get; } = new();

    /// <summary>The span current inside each execution, by step name.</summary>
    public ConcurrentDictionary<string, Activity?> Spans { get; } = new();

    public int MaxRunning { get; private set; }

    public int Count(string name) => Executed.Count(executed => executed == name);

    public Task<string> KeyAsync(StepWork work, CancellationToken cancellationToken) =>
        Task.FromResult(CacheKey.Compute(work.Step.Function ?? "action:" + work.Step.Action, work.Parameters, work.InputArtifacts));

    public async Task<StepOutputs> ExecuteAsync(StepWork work, IStepProgress progress, CancellationToken cancellationToken)
    {
        Executed.Enqueue(work.Name);
        Spans[work.Name] = Activity.Current;
        lock (Executed)
        {
            MaxRunning = Math.Max(MaxRunning, ++_running);
        }

        try
        {
            progress.Invocation("inv-" + work.Name);
            progress.Log(OutputStream.Stdout, "running " + work.Name, DateTimeOffset.UtcNow);
            return Behaviours.TryGetValue(work.Step.Id, out var behaviour)
                ? await behaviour(work, cancellationToken)
                : Default(work);
        }
        finally
        {
            lock (Executed)
            {
                _running--;
            }
        }
    }

    public static StepOutputs Default(StepWork work) => new(
        new JsonObject { ["metrics"] = new JsonObject { ["value"] = work.Scope.Item?.DeepClone() ?? 1 } },
        new Dictionary<string, string> { ["out"] = Digest(work.Name + work.Parameters.ToJsonString()) });

    public static string Digest(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
