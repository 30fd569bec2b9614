using Mlops.Runner.Containers;
using Mlops.Runner.Functions;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Endpoints;

/// <summary>Everything a replica of one endpoint revision needs: the function's image, the model's files, its limits.</summary>
public sealed record ReplicaPlan(
    string Endpoint,
    FunctionManifest Function,
    ServingSpec Serving,
    string Image,
    ModelVersion Version,
    string ModelDirectory,
    bool Canary,
    string RunRoot,
    string User)
{
    public const string RunMount = "/mlops/run";

    public TimeSpan Startup => Serving.Startup;

    /// <summary>Each replica's memory limit, reserved in the machine's budget while its container exists.</summary>
    public int MemoryMb => Serving.MemoryMb ?? Function.MemoryMb;

    public ContainerSpec SpecFor(string replicaId, RunFolder folder) => new(
        Function.Name,
        replicaId,
        Image,
        [
            new ContainerMount(ModelDirectory, $"{ContainerSpec.InputMount}/{ModelBinding.Folder}", ReadOnly: true),
            new ContainerMount(folder.Path, RunMount, ReadOnly: false),
        ],
        MemoryMb,
        Function.Cpus,
        new Dictionary<string, string>
        {
            ["MLOPS_FUNCTION"] = Function.Name,
            ["MLOPS_REPLICA_ID"] = replicaId,
            ["MLOPS_ENDPOINT"] = Endpoint,
            ["MLOPS_SOCKET"] = $"{RunMount}/replica.sock",
            ["MLOPS_MODEL_NAME"] = Version.Name,
            ["MLOPS_MODEL_VERSION"] = Version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HOME"] = "/tmp",
            // Small replicas: the server GC's per-core heaps are for large servers.
            ["DOTNET_gcServer"] = "0",
        })
    {
        Command = Serving.Args,
        OwnerLabel = Labels.Replica,
        ExtraLabels = new Dictionary<string, string> { [Labels.Endpoint] = Endpoint },
    };
}
