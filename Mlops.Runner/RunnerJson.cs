using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Mlops.Runner.Endpoints;

namespace Mlops.Runner;

/// <summary>
/// The JSON the runner writes and reads itself (result files, checksums, endpoint specs, MLflow bodies,
/// callbacks), with its serializers generated at build time: the runner runs compiled ahead of time, where
/// a serializer that discovers types by reflection is not available.
/// </summary>
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(EndpointSpec))]
internal sealed partial class RunnerJson : JsonSerializerContext;
