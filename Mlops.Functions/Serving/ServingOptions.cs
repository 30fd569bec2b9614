namespace Mlops.Functions.Serving;

/// <summary>Where a replica listens and which model version it answers with.</summary>
/// <param name="Socket">The unix socket to listen on, in the run folder the runner mounts.</param>
/// <param name="ModelName">The registered model's name, sent with every answer.</param>
/// <param name="ModelVersion">The registered model's version, sent with every answer.</param>
public sealed record ServingOptions(string Socket, string ModelName, string ModelVersion)
{
    /// <summary>A TCP port to listen on in place of the socket: a swarm task is reached over its network, not a host folder.</summary>
    public int? Port { get; init; }

    /// <summary>The largest request body a replica reads.</summary>
    public const long MaxBodyBytes = 8 * 1024 * 1024;

    /// <summary>What the runner sets: <c>MLOPS_SOCKET</c> or <c>MLOPS_PORT</c>, <c>MLOPS_MODEL_NAME</c>, <c>MLOPS_MODEL_VERSION</c>.</summary>
    public static ServingOptions FromEnvironment() => new(
        Environment.GetEnvironmentVariable("MLOPS_SOCKET") ?? "/mlops/run/replica.sock",
        Environment.GetEnvironmentVariable("MLOPS_MODEL_NAME") ?? "",
        Environment.GetEnvironmentVariable("MLOPS_MODEL_VERSION") ?? "")
    {
        Port = int.TryParse(Environment.GetEnvironmentVariable("MLOPS_PORT"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and < 65536 ? port : null,
    };
}
