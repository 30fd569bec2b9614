using System.Text.Json.Nodes;
using Mlops.Runner.Containers;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// Runs one step, or one item of a map step, once its references are resolved: a function step as one invocation
/// (input artifacts staged read-only, output artifacts stored by digest, a produced model kept as the artifact
/// `model` rather than registered), or a built-in action. Scheduling, the cache lookup, retries and the step's
/// timeout are the run's; this only keys and executes.
/// </summary>
public interface IStepExecutor
{
    /// <summary>
    /// The step's cache key, "sha256:&lt;hex&gt;": a function's image digest (its build context's), or the action's
    /// name; the canonical resolved parameters; the input artifacts' digests by name; for deploy and call, the model
    /// version their reference resolves to now.
    /// </summary>
    Task<string> KeyAsync(StepWork work, CancellationToken cancellationToken);

    /// <summary>
    /// Runs the step once. Its failure is a <see cref="RunnerException"/> with the code to report (a function's own
    /// error's, DEADLINE_EXCEEDED at its timeout, ...). Output artifacts are in the artifact store when it returns.
    /// </summary>
    Task<StepOutputs> ExecuteAsync(StepWork work, IStepProgress progress, CancellationToken cancellationToken);
}

/// <summary>One step (or item) ready to run.</summary>
/// <param name="Item">The map element's index; null outside a map.</param>
/// <param name="Parameters">Resolved: the function's parameters (before its defaults) or the action's.</param>
/// <param name="InputArtifacts">Resolved input artifacts: name -> digest.</param>
/// <param name="Scope">What the step's references could see (a `best` reads its map step's items there).</param>
/// <param name="Caller">Whose run it is: invocations count against this key.</param>
public sealed record StepWork(
    string RunId,
    string Pipeline,
    StepDefinition Step,
    int? Item,
    JsonObject Parameters,
    IReadOnlyDictionary<string, string> InputArtifacts,
    RunScope Scope,
    Caller Caller)
{
    /// <summary>"train" or "train[2]".</summary>
    public string Name => Item is { } item ? $"{Step.Id}[{item}]" : Step.Id;
}

/// <summary>What a running step reports as it goes.</summary>
public interface IStepProgress
{
    /// <summary>A function step's invocation was accepted.</summary>
    void Invocation(string invocationId);

    void Log(OutputStream stream, string line, DateTimeOffset time);
}

/// <summary>Content-addressed artifacts under data/pipelines/artifacts: what the cache checks before it answers a hit.</summary>
public interface IArtifactStore
{
    /// <summary>True when every digest is present (and now counts as recently used).</summary>
    bool ContainsAll(IEnumerable<string> digests);
}
