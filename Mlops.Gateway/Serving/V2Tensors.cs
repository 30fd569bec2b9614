using System.Buffers.Binary;
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
    public static IEnumerable<string> Versions(ReplicaTable table) => table.Replicas.Select(r => r.ModelVersion).Distinct();

    /// <summary>The replica contract's request from a V2 gRPC request: typed contents of the datatype's kind, or raw little-endian bytes.</summary>
    public static byte[] FromGrpc(Inference.ModelInferRequest request)
    {
        if (request.Inputs.Count != Inputs.Count)
        {
            throw ServingException.BadInput($"inputs: the model takes {Inputs.Count} input tensor; the request has {request.Inputs.Count}");
        }

        foreach (var output in request.Outputs.Select((o, i) => (o.Name, i)).Where(o => Outputs.All(spec => spec.Name != o.Name)))
        {
            throw ServingException.BadInput($"outputs[{output.i}].name: the model has no output '{Bounded.Text(output.Name, 64)}'; it has {string.Join(", ", Outputs.Select(o => o.Name))}");
        }

        var input = request.Inputs[0];
        if (input.Name.Length == 0)
        {
            throw ServingException.BadInput("inputs[0].name: is required");
        }

        var datatype = TensorValues.CheckDatatype(input.Datatype, "inputs[0].datatype");
        var shape = TensorShape.Of(input.Shape, "inputs[0].shape");
        var values = request.RawInputContents.Count > 0 ? Raw(request, datatype, shape) : Typed(input.Contents, datatype);
        shape.CheckCount(values.Count, "inputs[0].contents");
        for (var i = 0; i < values.Count; i++)
        {
            TensorValues.Check(values[i], datatype, $"inputs[0].contents[{i}]");
        }

        return TensorValues.Rows(shape, values);
    }

    /// <summary>Raw contents replace typed ones (the protocol says: never both), one buffer per input.</summary>
    private static List<double> Raw(Inference.ModelInferRequest request, string datatype, TensorShape shape)
    {
        if (request.RawInputContents.Count != request.Inputs.Count)
        {
            throw ServingException.BadInput($"raw_input_contents: holds {request.RawInputContents.Count} buffers for {request.Inputs.Count} input");
        }

        if (request.Inputs[0].Contents is { } contents && Kinds(contents).Any(k => k.Count > 0))
        {
            throw ServingException.BadInput("inputs[0].contents: must be empty when raw_input_contents is used");
        }

        var raw = request.RawInputContents[0].Span;
        var width = datatype is "FP64" or "INT64" ? 8 : 4;
        if (raw.Length != (long)shape.Count * width)
        {
            throw ServingException.BadInput($"raw_input_contents[0]: the shape [{shape.Rows}, {shape.Width}] of {datatype} needs {(long)shape.Count * width} bytes; it has {raw.Length}");
        }

        var values = new List<double>(shape.Count);
        for (var offset = 0; offset < raw.Length; offset += width)
        {
            var slice = raw.Slice(offset, width);
            values.Add(datatype switch
            {
                "FP64" => BinaryPrimitives.ReadDoubleLittleEndian(slice),
                "FP32" => BinaryPrimitives.ReadSingleLittleEndian(slice),
                "INT64" => BinaryPrimitives.ReadInt64LittleEndian(slice),
                _ => BinaryPrimitives.ReadInt32LittleEndian(slice),
            });
        }

        return values;
    }

    /// <summary>Values only in the contents of the datatype's own kind: FP32 in fp32_contents, and so on.</summary>
    private static List<double> Typed(Inference.InferTensorContents? contents, string datatype)
    {
        if (contents is null)
        {
            return [];
        }

        var own = datatype switch { "FP32" => "fp32_contents", "FP64" => "fp64_contents", "INT32" => "int_contents", _ => "int64_contents" };
        foreach (var (name, count) in Kinds(contents).Where(k => k.Name != own && k.Count > 0))
        {
            throw ServingException.BadInput($"inputs[0].contents.{name}: holds {count} values, but the datatype {datatype} takes them in {own}");
        }

        return datatype switch
        {
            "FP32" => contents.Fp32Contents.Select(v => (double)v).ToList(),
            "FP64" => [.. contents.Fp64Contents],
            "INT32" => contents.IntContents.Select(v => (double)v).ToList(),
            _ => contents.Int64Contents.Select(v => (double)v).ToList(),
        };
    }

    private static IEnumerable<(string Name, int Count)> Kinds(Inference.InferTensorContents contents) =>
    [
        ("bool_contents", contents.BoolContents.Count), ("int_contents", contents.IntContents.Count), ("int64_contents", contents.Int64Contents.Count),
        ("uint_contents", contents.UintContents.Count), ("uint64_contents", contents.Uint64Contents.Count), ("fp32_contents", contents.Fp32Contents.Count),
        ("fp64_contents", contents.Fp64Contents.Count), ("bytes_contents", contents.BytesContents.Count),
    ];

    /// <summary>The class names in the order the answers give their probabilities.</summary>
    public static (string[] Classes, string[] Labels, double[] Probabilities) Answer(JsonArray predictions)
    {
        try
        {
            return Read(predictions);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // The replica's answer, not the caller's request: a peer's fault.
            throw new ServingException(StatusCodes.Status502BadGateway, Grpc.Core.StatusCode.Internal,
                "the replica's predictions are not {\"class\": ..., \"probabilities\": {...}}, which the V2 protocol answers with");
        }
    }

    private static (string[] Classes, string[] Labels, double[] Probabilities) Read(JsonArray predictions)
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
}
