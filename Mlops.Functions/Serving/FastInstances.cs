using System.Text.Json;

namespace Mlops.Functions.Serving;

/// <summary>
/// The common request, {"instances": [[n, n, n, n], ...]}, read straight from the bytes with no document
/// tree. Anything else (named features, a mistake) returns null, and the full reader takes over: it
/// accepts every shape and says exactly what is wrong.
/// </summary>
internal static class FastInstances
{
    public static List<float[]>? TryRead(ReadOnlySpan<byte> json, int features)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject ||
                !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("instances"u8) ||
                !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }

            var rows = new List<float[]>();
            while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
            {
                var row = new float[features];
                var count = 0;
                while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                {
                    if (count == features || !reader.TryGetDouble(out var value) || !double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
                    {
                        return null;
                    }

                    row[count++] = (float)value;
                }

                if (reader.TokenType != JsonTokenType.EndArray || count != features || rows.Count == Features.MaxBatch)
                {
                    return null;
                }

                rows.Add(row);
            }

            // The list ended, then the object, and nothing follows: anything more is the full reader's to judge.
            return reader.TokenType == JsonTokenType.EndArray && rows.Count > 0 && reader.Read() && reader.TokenType == JsonTokenType.EndObject && !reader.Read()
                ? rows
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
