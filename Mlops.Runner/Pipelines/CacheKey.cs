using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// A step's cache key: sha256 over what it runs (a function's image digest, or "action:&lt;name&gt;"), its canonical
/// resolved parameters, its input artifacts' digests by name, and what else an action depends on (a resolved model
/// version). Canonical JSON: object keys in ordinal order, integers as integers, other numbers in shortest round-trip form.
/// </summary>
public static class CacheKey
{
    public static string Compute(string subject, JsonObject parameters, IReadOnlyDictionary<string, string> inputArtifacts, string? extra = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, "subject", subject);
        Append(hash, "parameters", Canonical(parameters));
        foreach (var (name, digest) in inputArtifacts.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            Append(hash, "artifact:" + name, digest);
        }

        if (extra is not null)
        {
            Append(hash, "extra", extra);
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The canonical text of a value: equal values, equal text, whatever their key order or number spelling.</summary>
    public static string Canonical(JsonNode? node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(pair => pair.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                WriteNumber(writer, value);
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, JsonValue value)
    {
        var number = double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (Math.Floor(number) == number && Math.Abs(number) < 1e15)
        {
            writer.WriteNumberValue((long)number);
        }
        else
        {
            writer.WriteRawValue(number.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    private static void Append(IncrementalHash hash, string label, string value)
    {
        hash.AppendData(Encoding.UTF8.GetBytes(label));
        hash.AppendData([0]);
        hash.AppendData(Encoding.UTF8.GetBytes(value));
        hash.AppendData([0]);
    }
}
