using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Mlops.Functions;
using Mlops.Functions.Serving;

namespace Diabetes;

/// <summary>
/// A trained model (model.zip, as <see cref="Training"/> saves it), loaded once to serve. Prediction engines
/// are pooled: one is not thread-safe, and making one per request is slow.
/// </summary>
internal sealed class DiabetesModel(MLContext ml, ITransformer model) : IPredictor
{
    private readonly ConcurrentBag<PredictionEngine<Patient, Progression>> _engines = [];

    public Features Features { get; } = new(Patient.FeatureNames, "patient");

    /// <summary>The model in <paramref name="folder"/>; refused when there is none.</summary>
    public static DiabetesModel Load(string? folder)
    {
        var file = Path.Combine(folder ?? "", "model.zip");
        if (folder is null || !File.Exists(file))
        {
            throw FunctionError.FailedPrecondition("there is no trained model to serve: invoke 'diabetes' first");
        }

        var ml = new MLContext();
        return new DiabetesModel(ml, ml.Model.Load(file, out _));
    }

    /// <summary>The predicted progression of each patient: [151.2, ...].</summary>
    public void Predict(IReadOnlyList<float[]> rows, Utf8JsonWriter writer)
    {
        var engine = Rent();
        try
        {
            var patient = new Patient();
            var progression = new Progression();
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                patient.Features = row;
                engine.Predict(patient, ref progression);
                writer.WriteNumberValue(Math.Round(progression.Score, 2));
            }

            writer.WriteEndArray();
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    private PredictionEngine<Patient, Progression> Rent() =>
        _engines.TryTake(out var engine) ? engine : ml.Model.CreatePredictionEngine<Patient, Progression>(model);

    private sealed class Progression
    {
        [ColumnName("Score")]
        public float Score { get; set; }
    }
}
