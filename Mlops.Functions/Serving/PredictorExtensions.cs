using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Functions.Serving;

/// <summary>Predictions as a document, for an invocation's <c>result.json</c>.</summary>
public static class PredictorExtensions
{
    /// <summary>One prediction per row: the same JSON the predictor writes when it serves.</summary>
    public static JsonArray Predict(this IPredictor predictor, IReadOnlyList<float[]> rows)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            predictor.Predict(rows, writer);
        }

        return JsonNode.Parse(buffer.WrittenSpan)!.AsArray();
    }
}
