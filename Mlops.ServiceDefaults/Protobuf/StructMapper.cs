using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;

namespace Mlops.ServiceDefaults.Protobuf;

/// <summary>
/// google.protobuf.Struct/Value/ListValue at the edge &lt;-&gt; System.Text.Json inside, mapped directly (never
/// through JSON text and back), with protobuf's own JSON rules: numbers are doubles, and one beyond a double's
/// range is refused (<see cref="FormatException"/>) as protobuf's parser refuses it; a JSON writer refuses NaN
/// and infinities, which JSON cannot carry.
/// </summary>
public static class StructMapper
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

    /// <summary>A value as a node; NaN and infinities stay doubles here, for a validator to name the field.</summary>
    public static JsonNode? ToJson(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.NumberValue => JsonValue.Create(value.NumberValue),
        Value.KindOneofCase.StringValue => JsonValue.Create(value.StringValue),
        Value.KindOneofCase.BoolValue => JsonValue.Create(value.BoolValue),
        Value.KindOneofCase.StructValue => ToJson(value.StructValue),
        Value.KindOneofCase.ListValue => ToJson(value.ListValue),
        _ => null,
    };

    public static JsonArray ToJson(ListValue value)
    {
        var result = new JsonArray();
        foreach (var item in value.Values)
        {
            result.Add(ToJson(item));
        }

        return result;
    }

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
        JsonValueKind.Array => Value.ForList(ToValues(node.AsArray())),
        JsonValueKind.String => Value.ForString(node.GetValue<string>()),
        JsonValueKind.Number => Value.ForNumber(ToDouble(node.AsValue())),
        JsonValueKind.True => Value.ForBool(true),
        JsonValueKind.False => Value.ForBool(false),
        _ => Value.ForNull(),
    };

    public static Value[] ToValues(JsonArray array)
    {
        var result = new Value[array.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = ToValue(array[i]);
        }

        return result;
    }

    /// <summary>Writes a value as JSON, as protobuf's formatter would; NaN and infinities are refused.</summary>
    public static void Write(Utf8JsonWriter writer, Value value)
    {
        switch (value.KindCase)
        {
            case Value.KindOneofCase.NumberValue when !double.IsFinite(value.NumberValue):
                throw new FormatException($"{value.NumberValue} is not a finite number: JSON cannot carry it");
            case Value.KindOneofCase.NumberValue:
                writer.WriteNumberValue(value.NumberValue);
                break;
            case Value.KindOneofCase.StringValue:
                writer.WriteStringValue(value.StringValue);
                break;
            case Value.KindOneofCase.BoolValue:
                writer.WriteBooleanValue(value.BoolValue);
                break;
            case Value.KindOneofCase.StructValue:
                Write(writer, value.StructValue);
                break;
            case Value.KindOneofCase.ListValue:
                Write(writer, value.ListValue.Values);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    public static void Write(Utf8JsonWriter writer, Struct value)
    {
        writer.WriteStartObject();
        foreach (var (key, item) in value.Fields)
        {
            writer.WritePropertyName(key);
            Write(writer, item);
        }

        writer.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter writer, IEnumerable<Value> values)
    {
        writer.WriteStartArray();
        foreach (var item in values)
        {
            Write(writer, item);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// A JSON number as a double, as protobuf's parser reads it: parsed text to the nearest double, refused beyond a
    /// double's range; a double made in code as it is (NaN included, for a validator to name); a long or decimal
    /// made in code by its text.
    /// </summary>
    private static double ToDouble(JsonValue value)
    {
        if (value.TryGetValue(out JsonElement parsed))
        {
            return parsed.TryGetDouble(out var number) && double.IsFinite(number) ? number : throw BeyondRange();
        }

        if (value.TryGetValue(out double made))
        {
            return made;
        }

        return double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var text) && double.IsFinite(text) ? text : throw BeyondRange();
    }

    private static FormatException BeyondRange() => new("a number beyond a double's range");
}
