using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Gateway.Serving;

/// <summary>
/// The Open Inference Protocol's tensors <-> instances. One FP32/FP64 (or integer) input tensor of shape
/// [N, F] (or [F] for one row) is taken whatever its name, as KServe's own servers do; the answer is a
/// BYTES tensor "class" [N] and an FP64 tensor "probabilities" [N, C] in the order of the classes.
/// </summary>
public static class V2Tensors
{
    /// <summary>A tensor as model metadata describes it (-1: any size).</summary>
    public sealed record TensorSpec(string Name, string Datatype, long[] Shape);

    public static readonly IReadOnlyList<TensorSpec> Inputs = [new("input-0", "FP32", [-1, -1])];

    public static readonly IReadOnlyList<TensorSpec> Outputs = [new("class", "BYTES", [-1]), new("probabilities", "FP64", [-1, -1])];

    /// <summary>The model versions an endpoint's replicas serve now.</summary>
    public static IEnumerable<string> Versions(EndpointRoute route) => route.Replicas.Select(r => r.ModelVersion).Distinct();

    /// <summary>The replica contract's request ({"instances": rows}) from a V2 REST request.</summary>
    public static byte[] FromRest(JsonObject request)
    {
        if (request["inputs"] is not JsonArray { Count: > 0 } inputs || inputs[0] is not JsonObject input)
        {
            throw ServingException.BadInput("inputs: give one input tensor, e.g. {\"name\": \"input-0\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [5.1, 3.5, 1.4, 0.2]}");
        }

        var datatype = input["datatype"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>() : "";
        CheckDatatype(datatype, "inputs[0].datatype");
        var shape = input["shape"] is JsonArray s ? s.Select((n, i) => n is JsonValue v && v.TryGetValue<long>(out var x) ? x : throw ServingException.BadInput($"inputs[0].shape[{i}]: must be an integer")).ToArray()
            : throw ServingException.BadInput("inputs[0].shape: is required");
        var values = new List<double>();
        Flatten(input["data"] ?? throw ServingException.BadInput("inputs[0].data: is required"), values, "inputs[0].data");
        return Rows(shape, values, "inputs[0]");
    }

    /// <summary>The same from a V2 gRPC request (typed contents or raw little-endian bytes).</summary>
    public static byte[] FromGrpc(Inference.ModelInferRequest request)
    {
        if (request.Inputs.Count == 0)
        {
            throw ServingException.BadInput("inputs: give one input tensor");
        }

        var input = request.Inputs[0];
        CheckDatatype(input.Datatype, "inputs[0].datatype");
        var values = new List<double>();
        if (request.RawInputContents.Count > 0)
        {
            var raw = request.RawInputContents[0].Span;
            var width = input.Datatype is "FP64" or "INT64" ? 8 : 4;
            if (raw.Length % width != 0)
            {
                throw ServingException.BadInput($"raw_input_contents[0]: {raw.Length} bytes is not a whole number of {input.Datatype} values");
            }

            for (var offset = 0; offset < raw.Length; offset += width)
            {
                var slice = raw.Slice(offset, width);
                values.Add(input.Datatype switch
                {
                    "FP64" => BinaryPrimitives.ReadDoubleLittleEndian(slice),
                    "FP32" => BinaryPrimitives.ReadSingleLittleEndian(slice),
                    "INT64" => BinaryPrimitives.ReadInt64LittleEndian(slice),
                    _ => BinaryPrimitives.ReadInt32LittleEndian(slice),
                });
            }
        }
        else if (input.Contents is { } contents)
        {
            values.AddRange(contents.Fp32Contents.Select(v => (double)v));
            values.AddRange(contents.Fp64Contents);
            values.AddRange(contents.IntContents.Select(v => (double)v));
            values.AddRange(contents.Int64Contents.Select(v => (double)v));
        }

        return Rows(input.Shape.ToArray(), values, "inputs[0]");
    }

    /// <summary>The class names in the order the answers give their probabilities.</summary>
    public static (string[] Classes, string[] Labels, double[] Probabilities) Answer(JsonArray predictions)
    {
        var classes = (predictions[0]?["probabilities"] as JsonObject)?.Select(p => p.Key).ToArray() ?? [];
        var labels = new string[predictions.Count];
        var probabilities = new double[predictions.Count * classes.Length];
        for (var row = 0; row < predictions.Count; row++)
        {
            labels[row] = predictions[row]?["class"]?.GetValue<string>() ?? "";
            for (var c = 0; c < classes.Length; c++)
            {
                probabilities[row * classes.Length + c] = predictions[row]?["probabilities"]?[classes[c]]?.GetValue<double>() ?? 0;
            }
        }

        return (classes, labels, probabilities);
    }

    public static JsonObject ToRest(string model, Prediction prediction, string? id)
    {
        var (classes, labels, probabilities) = Answer(prediction.Predictions);
        var answer = new JsonObject
        {
            ["model_name"] = model,
            ["model_version"] = prediction.ModelVersion,
            ["outputs"] = new JsonArray
            {
                new JsonObject { ["name"] = "class", ["shape"] = new JsonArray(labels.Length), ["datatype"] = "BYTES", ["data"] = new JsonArray(labels.Select(l => (JsonNode)l).ToArray()) },
                new JsonObject
                {
                    ["name"] = "probabilities", ["shape"] = new JsonArray(labels.Length, classes.Length), ["datatype"] = "FP64",
                    ["data"] = new JsonArray(probabilities.Select(p => (JsonNode)p).ToArray()),
                    ["parameters"] = new JsonObject { ["classes"] = string.Join(',', classes) },
                },
            },
        };
        if (id is not null)
        {
            answer["id"] = id;
        }

        return answer;
    }

    private static void CheckDatatype(string datatype, string field)
    {
        if (datatype is not ("FP32" or "FP64" or "INT32" or "INT64"))
        {
            throw ServingException.BadInput($"{field}: '{datatype}' is not supported; use FP32 or FP64 (or INT32/INT64)");
        }
    }

    private static void Flatten(JsonNode node, List<double> values, string field)
    {
        if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Flatten(array[i] ?? throw ServingException.BadInput($"{field}[{i}]: null is not a number"), values, $"{field}[{i}]");
            }
        }
        else if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
        {
            values.Add(value.GetValue<double>());
        }
        else
        {
            throw ServingException.BadInput($"{field}: must be a number");
        }
    }

    /// <summary>The values as rows of the shape, written straight into the replica contract's request.</summary>
    private static byte[] Rows(long[] shape, List<double> values, string field)
    {
        var (rows, width) = shape switch
        {
            [var n, var f] when n > 0 && f > 0 => (n, f),
            [var f] when f > 0 => (1L, f),
            _ => throw ServingException.BadInput($"{field}.shape: must be [N, features] or [features] with positive sizes"),
        };
        if (rows * width != values.Count)
        {
            throw ServingException.BadInput($"{field}: shape [{string.Join(", ", shape)}] needs {rows * width} values; the data has {values.Count}");
        }

        return PredictionRouter.InstancesBody((int)rows, writer =>
        {
            writer.WriteStartArray();
            for (var r = 0; r < rows; r++)
            {
                writer.WriteStartArray();
                for (var c = 0; c < width; c++)
                {
                    writer.WriteNumberValue(values[(int)(r * width + c)]);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        });
    }
}
