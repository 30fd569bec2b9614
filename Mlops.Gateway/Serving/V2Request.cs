using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Gateway.Serving;

/// <summary>
/// An Open Inference Protocol REST request ({"id", "parameters", "inputs", "outputs"}) checked whole: every
/// field of the wrong type, every name the protocol does not have, a tensor more than the model takes, data
/// that does not fill its shape, is refused with the field's path. Nothing is guessed.
/// </summary>
public static class V2Request
{
    private static readonly string[] Fields = ["id", "parameters", "inputs", "outputs"];
    private static readonly string[] InputFields = ["name", "shape", "datatype", "parameters", "data"];
    private static readonly string[] OutputFields = ["name", "parameters"];

    /// <summary>The replica contract's request ({"instances": rows}) from a V2 REST request.</summary>
    public static byte[] Instances(JsonObject request)
    {
        OnlyFields(request, Fields, "");
        Id(request);
        ObjectOrAbsent(request["parameters"], "parameters");
        Outputs(request["outputs"]);
        if (request["inputs"] is not JsonArray inputs)
        {
            throw ServingException.BadInput("inputs: give one input tensor, e.g. [{\"name\": \"input-0\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [5.1, 3.5, 1.4, 0.2]}]");
        }

        if (inputs.Count != V2Tensors.Inputs.Count)
        {
            throw ServingException.BadInput($"inputs: the model takes {V2Tensors.Inputs.Count} input tensor; the request has {inputs.Count}");
        }

        var input = inputs[0] as JsonObject ?? throw ServingException.BadInput("inputs[0]: must be an object");
        OnlyFields(input, InputFields, "inputs[0].");
        StringAt(input["name"], "inputs[0].name");
        ObjectOrAbsent(input["parameters"], "inputs[0].parameters");
        var datatype = TensorValues.CheckDatatype(input["datatype"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>() : null, "inputs[0].datatype");
        var dims = Shape(input["shape"], "inputs[0].shape");
        var shape = TensorShape.Of(dims, "inputs[0].shape");
        var values = new List<double>(Math.Min(shape.Count, 4096));
        var data = input["data"] as JsonArray ?? throw ServingException.BadInput("inputs[0].data: must be a list of numbers");
        if (data.Any(v => v is JsonArray))
        {
            Nested(data, dims, 0, datatype, values, "inputs[0].data");
        }
        else
        {
            Flat(data, datatype, values, "inputs[0].data");
        }

        shape.CheckCount(values.Count, "inputs[0].data");
        return TensorValues.Rows(shape, values);
    }

    /// <summary>The request's id, echoed in the answer; a string or nothing.</summary>
    public static string? Id(JsonObject request) => request["id"] is null ? null : StringAt(request["id"], "id");

    private static void Outputs(JsonNode? node)
    {
        if (node is null)
        {
            return;
        }

        var outputs = node as JsonArray ?? throw ServingException.BadInput("outputs: must be a list of {\"name\"}");
        for (var i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i] as JsonObject ?? throw ServingException.BadInput($"outputs[{i}]: must be an object");
            OnlyFields(output, OutputFields, $"outputs[{i}].");
            var name = StringAt(output["name"], $"outputs[{i}].name");
            if (V2Tensors.Outputs.All(o => o.Name != name))
            {
                throw ServingException.BadInput($"outputs[{i}].name: the model has no output '{Bounded.Text(name, 64)}'; it has {string.Join(", ", V2Tensors.Outputs.Select(o => o.Name))}");
            }

            ObjectOrAbsent(output["parameters"], $"outputs[{i}].parameters");
        }
    }

    private static long[] Shape(JsonNode? node, string field) => node is JsonArray shape
        ? shape.Select((n, i) => n is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var x) ? x : throw ServingException.BadInput($"{field}[{i}]: must be a whole number")).ToArray()
        : throw ServingException.BadInput($"{field}: must be a list of sizes, e.g. [1, 4]");

    /// <summary>Row-major data: every element a number.</summary>
    private static void Flat(JsonArray data, string datatype, List<double> values, string field)
    {
        for (var i = 0; i < data.Count; i++)
        {
            values.Add(Number(data[i], datatype, $"{field}[{i}]"));
        }
    }

    /// <summary>Nested data must follow the shape level by level: [[1, 2], [3]] is not a [2, 2] tensor.</summary>
    private static void Nested(JsonArray data, long[] shape, int level, string datatype, List<double> values, string field)
    {
        if (data.Count != shape[level])
        {
            throw ServingException.BadInput($"{field}: holds {data.Count} elements where the shape says {shape[level]}");
        }

        for (var i = 0; i < data.Count; i++)
        {
            if (level == shape.Length - 1)
            {
                values.Add(Number(data[i], datatype, $"{field}[{i}]"));
            }
            else
            {
                Nested(data[i] as JsonArray ?? throw ServingException.BadInput($"{field}[{i}]: must be a list of {shape[level + 1]}"), shape, level + 1, datatype, values, $"{field}[{i}]");
            }
        }
    }

    private static double Number(JsonNode? node, string datatype, string field) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number)
            ? TensorValues.Check(number, datatype, field)
            : throw ServingException.BadInput($"{field}: {Kind(node)} is not a number");

    private static void OnlyFields(JsonObject node, string[] fields, string prefix)
    {
        foreach (var (name, _) in node)
        {
            if (!fields.Contains(name))
            {
                throw ServingException.BadInput($"{prefix}{Bounded.Text(name, 64)}: is not a field of the request; the fields are {string.Join(", ", fields)}");
            }
        }
    }

    private static string StringAt(JsonNode? node, string field) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw ServingException.BadInput($"{field}: must be a string");

    private static void ObjectOrAbsent(JsonNode? node, string field)
    {
        if (node is not null and not JsonObject)
        {
            throw ServingException.BadInput($"{field}: must be an object");
        }
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "a list",
        JsonObject => "an object",
        _ => node.GetValueKind() switch { JsonValueKind.String => "a string", _ => "a boolean" },
    };
}
