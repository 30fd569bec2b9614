using Mlops.Runner.Capacity;
using V1 = Mlops.V1;

namespace Mlops.Runner.Grpc;

internal static class CapacityMapper
{
    public static V1.CapacityStatus ToProto(CapacityUse use, CapacityOptions options) => new()
    {
        ContainersUsed = use.Containers,
        ContainersLimit = use.ContainerLimit,
        MemoryUsedMb = use.MemoryMb,
        MemoryLimitMb = use.MemoryLimitMb,
        InvocationsPerKey = options.InvocationsPerKey,
        EndpointsPerKey = options.EndpointsPerKey,
        ReplicasPerKey = options.ReplicasPerKey,
    };
}
