using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Mlops.Functions;
using Mlops.Functions.Serving;

namespace Predict;

/// <summary>
/// A trained Iris model (model.zip and model.json, as train writes them), loaded once. Predictions run
/// on a pool of ML.NET prediction engines: one engine is not thread-safe, and making one per call is slow.
/// </summary>
internal sealed class IrisModel : IPredictor
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly string _folder;
    private readonly byte[] _fingerprint;
    private readonly ConcurrentBag<PredictionEngine<Flower, ScoredFlower>> _engines = [];

    /// <summary>The class names as JSON text, escaped once: every row of every answer writes them.</summary>
    private readonly JsonEncodedText[] _encodedClasses;

    private IrisModel(MLContext ml, ITransformer model, string folder, byte[] fingerprint, string[] classes, string[] featureNames, JsonNode? trainer)
    {
        _ml = ml;
        _model = model;
        _folder = folder;
        _fingerprint = fingerprint;
        _encodedClasses = [.. classes.Select(c => JsonEncodedText.Encode(c))];
        Classes = classes;
        Features = new Features(featureNames, "flower");
        Trainer = trainer;
    }

    public string[] Classes { get; }

    public Features Features { get; }

    public JsonNode? Trainer { get; }

    /// <summary>The model in <paramref name="folder"/>; refused (FAILED_PRECONDITION) when none was trained.</summary>
    public static IrisModel Load(string? folder)
    {
        if (folder is null || !IsModel(folder))
        {
            throw FunctionError.FailedPrecondition("there is no trained model to predict with: invoke 'train' first");
        }

        var (model, metadata) = (File.ReadAllBytes(ModelFile(folder)), File.ReadAllBytes(MetadataFile(folder)));
        var json = JsonNode.Parse(metadata)!;
        var classes = json["class_names"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray();
        var featureNames = json["feature_names"]!.AsArray().Select(f => f!.GetValue<string>()).ToArray();
        var ml = new MLContext();
        using var stream = new MemoryStream(model, writable: false);
        return new IrisModel(ml, ml.Model.Load(stream, out _), folder, Fingerprint(model, metadata), classes, featureNames, json["trainer"]?.DeepClone());
    }

    /// <summary>
    /// The model staged before the invocation, loaded and run once on a dummy flower so that ML.NET has built its
    /// prediction engine before the runner hands the invocation over; null when none is staged yet.
    /// </summary>
    public static IrisModel? Warm(WarmContext context)
    {
        if (context.InputModel is not { } folder || !IsModel(folder))
        {
            return null;
        }

        var model = Load(folder);
        model.Predict([new float[model.Features.Names.Count]]);
        return model;
    }

    /// <summary>
    /// Whether <paramref name="folder"/> holds the very model this one was loaded from: a pre-started container's
    /// folder may have been given another since its warm-up, and a few small files cost less to hash than to load.
    /// </summary>
    public bool IsLoadedFrom(string? folder) =>
        folder is not null
        && folder == _folder
        && IsModel(folder)
        && Fingerprint(File.ReadAllBytes(ModelFile(folder)), File.ReadAllBytes(MetadataFile(folder))).AsSpan().SequenceEqual(_fingerprint);

    /// <summary>Predictions written straight to JSON: [{"class": ..., "probabilities": {...}}, ...].</summary>
    public void Predict(IReadOnlyList<float[]> rows, Utf8JsonWriter writer)
    {
        var engine = Rent();
        try
        {
            writer.WriteStartArray();
            var flower = new Flower();
            var scored = new ScoredFlower();
            var probabilities = new double[Classes.Length];
            foreach (var row in rows)
            {
                (flower.SepalLength, flower.SepalWidth, flower.PetalLength, flower.PetalWidth) = (row[0], row[1], row[2], row[3]);
                engine.Predict(flower, ref scored);
                var best = Normalise(scored.Score, probabilities);
                writer.WriteStartObject();
                writer.WriteString("class"u8, _encodedClasses[best]);
                writer.WriteStartObject("probabilities"u8);
                for (var i = 0; i < Classes.Length; i++)
                {
                    writer.WriteNumber(_encodedClasses[i], probabilities[i]);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    /// <summary>
    /// The forests' calibrated scores, normalised so that the probabilities of all species sum to 1;
    /// returns the index of the most likely one.
    /// </summary>
    private int Normalise(float[] scores, double[] probabilities)
    {
        var sum = 0.0;
        var best = 0;
        for (var i = 0; i < Classes.Length; i++)
        {
            var score = float.IsFinite(scores[i]) ? Math.Max(scores[i], 0.0) : 0.0;
            probabilities[i] = score;
            sum += score;
            best = score > probabilities[best] ? i : best;
        }

        for (var i = 0; i < Classes.Length; i++)
        {
            probabilities[i] = sum > 0 ? probabilities[i] / sum : 1.0 / Classes.Length;
        }

        return best;
    }

    private static string ModelFile(string folder) => Path.Combine(folder, "model.zip");

    private static string MetadataFile(string folder) => Path.Combine(folder, "model.json");

    private static bool IsModel(string folder) => File.Exists(ModelFile(folder)) && File.Exists(MetadataFile(folder));

    private static byte[] Fingerprint(byte[] model, byte[] metadata)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(model);
        hash.AppendData(metadata);
        return hash.GetHashAndReset();
    }

    private PredictionEngine<Flower, ScoredFlower> Rent() =>
        _engines.TryTake(out var engine) ? engine : _ml.Model.CreatePredictionEngine<Flower, ScoredFlower>(_model);
}

internal sealed class Flower
{
    public float SepalLength { get; set; }

    public float SepalWidth { get; set; }

    public float PetalLength { get; set; }

    public float PetalWidth { get; set; }

    // The saved pipeline maps a label column; at prediction time it is empty.
    public string Species { get; set; } = "";
}

internal sealed class ScoredFlower
{
    public float[] Score { get; set; } = [];
}
