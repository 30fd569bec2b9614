namespace Mlops.Runner;

/// <summary>
/// Labels the runner puts on what it makes on the engine (containers, images, build stages), so that a
/// janitor or a pruner can always find them again. Defined once; everything else refers here.
/// </summary>
public static class Labels
{
    public const string Function = "mlops.function";
    public const string Invocation = "mlops.invocation";
    public const string Runner = "mlops.runner";

    /// <summary>On a serving replica: its id (the owner, as an invocation id is for a function container).</summary>
    public const string Replica = "mlops.replica";

    /// <summary>On a pre-started (pooled) function container: its slot id, the owner until an invocation claims it.</summary>
    public const string Pool = "mlops.pool";

    /// <summary>On a serving replica: the endpoint it serves.</summary>
    public const string Endpoint = "mlops.endpoint";

    /// <summary>On the build stage of a multi-stage function Dockerfile, so that old stages can be pruned.</summary>
    public const string BuildStage = "mlops.build-stage";

    /// <summary>On a function image: the digest of the folder it was built from.</summary>
    public const string ContextDigest = "mlops.context-digest";
}
