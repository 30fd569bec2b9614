namespace Mlops.Runner.Capacity;

/// <summary>The budget's use at one moment, as a status, a metric and a refusal show it.</summary>
public sealed record CapacityUse(int Containers, int ContainerLimit, long MemoryMb, long MemoryLimitMb)
{
    public override string ToString() =>
        $"{Containers} of {ContainerLimit} containers (Capacity:MaxContainers) and {MemoryMb} of {MemoryLimitMb} MB (Capacity:MaxMemoryMb) in use";
}
