using System.Text.Json;

namespace Mlops.Functions.Serving;

/// <summary>A loaded model that predicts rows of numbers: what a function supplies to serve.</summary>
public interface IPredictor
{
    /// <summary>The features each row holds, in order.</summary>
    Features Features { get; }

    /// <summary>
    /// Writes one prediction per row, as a JSON array, straight to <paramref name="writer"/> (no document in
    /// between, so serving stays light). Called concurrently: the predictor must be thread-safe.
    /// </summary>
    void Predict(IReadOnlyList<float[]> rows, Utf8JsonWriter writer);
}
