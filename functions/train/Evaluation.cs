using System.Text.Json.Nodes;

namespace Train;

/// <summary>
/// Metrics from the class probabilities the model gives (normalised to sum to 1, exactly as predict
/// returns them): accuracy, per-class and macro precision/recall/F1, log-loss, the confusion matrix.
/// </summary>
internal sealed class Evaluation
{
    private const double Epsilon = 1e-15;

    private readonly string[] _classes;
    private readonly int[,] _confusion;
    private readonly double _logLoss;
    private readonly int _rows;

    private Evaluation(string[] classes, int[,] confusion, double logLoss, int rows)
    {
        _classes = classes;
        _confusion = confusion;
        _logLoss = logLoss;
        _rows = rows;
    }

    public static Evaluation Compute(string[] classes, IReadOnlyList<(string Actual, float[] Scores)> predictions)
    {
        var confusion = new int[classes.Length, classes.Length];
        var logLoss = 0.0;
        foreach (var (actual, scores) in predictions)
        {
            var probabilities = Normalise(scores);
            var truth = Array.IndexOf(classes, actual);
            var predicted = Array.IndexOf(probabilities, probabilities.Max());
            confusion[truth, predicted]++;
            logLoss -= Math.Log(Math.Max(probabilities[truth], Epsilon));
        }

        return new Evaluation(classes, confusion, logLoss / predictions.Count, predictions.Count);
    }

    public static double[] Normalise(float[] scores)
    {
        var clipped = scores.Select(s => float.IsFinite(s) ? Math.Max(s, 0.0) : 0.0).ToArray();
        var sum = clipped.Sum();
        return sum > 0 ? clipped.Select(s => s / sum).ToArray() : clipped.Select(_ => 1.0 / clipped.Length).ToArray();
    }

    public double Accuracy => Enumerable.Range(0, _classes.Length).Sum(i => _confusion[i, i]) / (double)_rows;

    public JsonObject Metrics()
    {
        var perClass = Enumerable.Range(0, _classes.Length).Select(Scores).ToList();
        return new JsonObject
        {
            ["accuracy"] = Round(Accuracy),
            ["macro_precision"] = Round(perClass.Average(s => s.Precision)),
            ["macro_recall"] = Round(perClass.Average(s => s.Recall)),
            ["macro_f1"] = Round(perClass.Average(s => s.F1)),
            ["log_loss"] = Round(_logLoss),
        };
    }

    public JsonObject PerClass()
    {
        var result = new JsonObject();
        for (var i = 0; i < _classes.Length; i++)
        {
            var (precision, recall, f1, support) = Scores(i);
            result[_classes[i]] = new JsonObject { ["precision"] = Round(precision), ["recall"] = Round(recall), ["f1"] = Round(f1), ["support"] = support };
        }

        return result;
    }

    /// <summary>Rows are the actual class, columns the predicted one, both in <c>labels</c> order.</summary>
    public JsonObject ConfusionMatrix() => new()
    {
        ["labels"] = new JsonArray(_classes.Select(c => (JsonNode)c).ToArray()),
        ["matrix"] = new JsonArray(Enumerable.Range(0, _classes.Length)
            .Select(i => (JsonNode)new JsonArray(Enumerable.Range(0, _classes.Length).Select(j => (JsonNode)_confusion[i, j]).ToArray()))
            .ToArray()),
    };

    private (double Precision, double Recall, double F1, int Support) Scores(int index)
    {
        var truePositives = _confusion[index, index];
        var predicted = Enumerable.Range(0, _classes.Length).Sum(i => _confusion[i, index]);
        var actual = Enumerable.Range(0, _classes.Length).Sum(j => _confusion[index, j]);
        var precision = predicted == 0 ? 0 : truePositives / (double)predicted;
        var recall = actual == 0 ? 0 : truePositives / (double)actual;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return (precision, recall, f1, actual);
    }

    private static double Round(double value) => Math.Round(value, 6);
}
