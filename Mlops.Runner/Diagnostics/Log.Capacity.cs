namespace Mlops.Runner.Diagnostics;

// Ids 200-219: the capacity budget and per-key quotas.
internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Warning, "Endpoint {Endpoint}: {Count} wanted replica(s) wait for the machine's capacity ({Use})")]
    public static partial void ReplicasWaitForCapacity(this ILogger logger, string endpoint, int count, string use);

    [LoggerMessage(201, LogLevel.Information, "Endpoint {Endpoint}: the machine's capacity has room again; its replicas start")]
    public static partial void CapacityFreedForEndpoint(this ILogger logger, string endpoint);
}
