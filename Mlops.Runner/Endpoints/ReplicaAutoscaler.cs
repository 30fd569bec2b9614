using System.Diagnostics;

namespace Mlops.Runner.Endpoints;

/// <summary>
/// How many replicas an endpoint wants: enough for its in-flight and waiting predictions at the target per
/// replica (at least one while any wait), within its bounds; more at once, fewer only after the idle time —
/// except right after new bounds: an operator who lowers them (a drain to zero, say) is not made to wait.
/// </summary>
public sealed class ReplicaAutoscaler(int initial)
{
    private long _lastFullUse = Stopwatch.GetTimestamp();
    private bool _rebound;

    public int Wanted { get; private set; } = initial;

    public void Bound(EndpointSpec spec)
    {
        Wanted = Math.Clamp(Wanted, spec.MinReplicas, spec.MaxReplicas);
        _rebound = true;
    }

    public int Next(EndpointSpec spec, EndpointLoad load, int targetPerReplica)
    {
        var byLoad = (int)Math.Ceiling((load.InFlight + load.Waiting) / (double)targetPerReplica);
        if (load.Waiting > 0)
        {
            byLoad = Math.Max(byLoad, 1);
        }

        var desired = Math.Clamp(byLoad, spec.MinReplicas, spec.MaxReplicas);
        if (desired >= Wanted || _rebound || Stopwatch.GetElapsedTime(_lastFullUse) > TimeSpan.FromSeconds(spec.IdleSeconds))
        {
            _rebound = false;
            Wanted = desired;
            _lastFullUse = Stopwatch.GetTimestamp();
        }

        return Wanted;
    }
}
