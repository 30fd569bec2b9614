using System.Diagnostics;
using Mlops.Runner.Capacity;
using Mlops.Runner.Containers;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Invocations.Pooling;

/// <summary>
/// One pre-started container of a function's pool: its own empty workspace and hand-over pipe, its place in the
/// budget, and the model it was given at start (if any). It is claimed by at most one invocation, ever; then, or
/// when retired unclaimed, it is removed with its workspace.
/// </summary>
internal sealed class PooledContainer(string slotId, string image, ModelVersion? model, Workspace workspace, HandoverPipe pipe, CapacityBudget.Reservation reservation)
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public string SlotId { get; } = slotId;

    /// <summary>The image tag it runs: an invocation resolving another tag never claims it.</summary>
    public string Image { get; } = image;

    /// <summary>The model version in its input since before it started (so the function could load it early); null for none.</summary>
    public ModelVersion? Model { get; } = model;

    public Workspace Workspace { get; } = workspace;

    public HandoverPipe Pipe { get; } = pipe;

    public CapacityBudget.Reservation Reservation { get; } = reservation;

    /// <summary>Null until it has been created on the engine.</summary>
    public FunctionContainer? Container { get; set; }

    public PooledState State { get; set; } = PooledState.Starting;

    /// <summary>How long it has been since its fill began.</summary>
    public TimeSpan Age => Stopwatch.GetElapsedTime(_started);

    /// <summary>Whether it can take an invocation of <paramref name="image"/> (whatever model: another one is written over its own).</summary>
    public bool Fits(string image) => State == PooledState.Ready && Image == image;

    /// <summary>How well it suits an invocation consuming <paramref name="wanted"/>: its model loaded already (0), none (1), another (2).</summary>
    public int Distance(ModelVersion? wanted) => Same(Model, wanted) ? 0 : Model is null ? 1 : 2;

    public static bool Same(ModelVersion? a, ModelVersion? b) =>
        a is null ? b is null : b is not null && a.Name == b.Name && a.Version == b.Version;
}

internal enum PooledState
{
    /// <summary>Being created and started; not yet waiting on its pipe.</summary>
    Starting,

    /// <summary>Waiting on its pipe for an invocation.</summary>
    Ready,

    /// <summary>Taken by an invocation, or on its way out.</summary>
    Gone,
}
