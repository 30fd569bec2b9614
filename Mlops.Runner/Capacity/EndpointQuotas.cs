using Microsoft.Extensions.Options;
using Mlops.Runner.Endpoints;

namespace Mlops.Runner.Capacity;

/// <summary>
/// What one key may deploy: a number of endpoints, and the replicas they may scale to together (their maximum,
/// canaries included), so that no key can ask for more than its share whatever the load. Admin keys are the
/// operators' and are bounded by the machine's budget only.
/// </summary>
public sealed class EndpointQuotas(IOptions<CapacityOptions> options)
{
    /// <param name="existing">Every endpoint there is, with the key that created it.</param>
    /// <exception cref="RunnerException">ResourceExhausted, naming the limit and the key's use.</exception>
    public void EnsureRoom(Caller caller, EndpointSpec spec, IEnumerable<(EndpointSpec Spec, string? Owner)> existing)
    {
        if (caller.IsAdmin || caller.KeyId is null)
        {
            return;
        }

        // An update replaces the endpoint's own share.
        var own = existing.Where(e => e.Owner == caller.KeyId && e.Spec.Name != spec.Name).Select(e => e.Spec).ToList();
        var endpoints = options.Value.EndpointsPerKey;
        if (own.Count + 1 > endpoints)
        {
            throw new RunnerException(ErrorKind.ResourceExhausted,
                $"this key has {own.Count} endpoint(s), its limit (Capacity:EndpointsPerKey is {endpoints}); delete one or ask an admin");
        }

        var replicas = options.Value.ReplicasPerKey;
        var used = own.Sum(MostReplicas);
        var asked = MostReplicas(spec);
        if (used + asked > replicas)
        {
            throw new RunnerException(ErrorKind.ResourceExhausted,
                $"this key's endpoints may scale to {used} replica(s) and this one to {asked} more, over its limit (Capacity:ReplicasPerKey is {replicas}); lower max_replicas");
        }
    }

    /// <summary>The replicas an endpoint can have at its most: its maximum, and its canary's share of it.</summary>
    public static int MostReplicas(EndpointSpec spec) =>
        spec.MaxReplicas + (spec.CanaryModelVersion is null ? 0 : (int)Math.Ceiling(spec.MaxReplicas * spec.CanaryPercent / 100.0));
}
