using Google.Protobuf.WellKnownTypes;
using Mlops.Runner.Invocations.Pooling;
using Mlops.Runner.Reporting;
using V1 = Mlops.V1;

namespace Mlops.Runner.Grpc;

internal static class StatusMapper
{
    public static V1.RunnerStatus ToProto(StatusReport report) => new()
    {
        DockerVersion = report.Engine.Version?.Version ?? "",
        DockerApiVersion = report.Engine.Version?.ApiVersion ?? "",
        DockerError = report.Engine.Error ?? "",
        RegistryBackend = report.RegistryBackend,
        OutboxTrainings = report.OutboxTrainings,
        RunningInvocations = report.RunningInvocations,
        QueuedInvocations = report.QueuedInvocations,
        MaxConcurrentInvocations = report.MaxConcurrentInvocations,
        MaxQueueLength = report.MaxQueueLength,
        Capacity = CapacityMapper.ToProto(report.Capacity, report.Quotas),
        Functions = { report.Functions.Select(ToProto) },
    };

    private static V1.FunctionStatus ToProto(FunctionReport function) => new()
    {
        Name = function.Name,
        Image = function.Image ?? "",
        ImageBuilt = function.ImageBuilt,
        ManifestError = function.Error ?? "",
        Pool = function.Pool is { } pool ? ToProto(pool) : null,
    };

    private static V1.PoolStatus ToProto(PoolStatus pool) => new()
    {
        Target = pool.Target,
        Ready = pool.Ready,
        Starting = pool.Starting,
        ClaimedLastMinute = pool.ClaimedLastMinute,
        FillTime = Duration.FromTimeSpan(pool.FillTime),
    };
}
