using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Grpc;

/// <summary>google.protobuf.Struct/Value at the edge &lt;-&gt; System.Text.Json nodes inside.</summary>
internal static class StructMapper
{
    public static JsonObject? ToJson(Struct? value)
    {
        if (value is null)
        {
            return null;
        }

        var result = new JsonObject();
        foreach (var (key, item) in value.Fields)
        {
            result[key] = ToJson(item);
        }

        return result;
    }

    public static JsonNode? ToJson(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.NumberValue => JsonValue.Create(value.NumberValue),
        Value.KindOneofCase.StringValue => JsonValue.Create(value.StringValue),
        Value.KindOneofCase.BoolValue => JsonValue.Create(value.BoolValue),
        Value.KindOneofCase.StructValue => ToJson(value.StructValue),
        Value.KindOneofCase.ListValue => new JsonArray(value.ListValue.Values.Select(ToJson).ToArray()),
        _ => null,
    };

    public static Struct ToStruct(JsonObject value)
    {
        var result = new Struct();
        foreach (var (key, item) in value)
        {
            result.Fields[key] = ToValue(item);
        }

        return result;
    }

    public static Value ToValue(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null or JsonValueKind.Undefined => Value.ForNull(),
        JsonValueKind.Object => Value.ForStruct(ToStruct(node.AsObject())),
        JsonValueKind.Array => Value.ForList(node.AsArray().Select(ToValue).ToArray()),
        JsonValueKind.String => Value.ForString(node.GetValue<string>()),
        JsonValueKind.Number => Value.ForNumber(JsonNumbers.ToDouble(node)),
        JsonValueKind.True => Value.ForBool(true),
        JsonValueKind.False => Value.ForBool(false),
        _ => Value.ForNull(),
    };
}
