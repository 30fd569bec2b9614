using System.Globalization;
using Mlops.Functions;

namespace Train;

public sealed class IrisRow
{
    public static readonly string[] FeatureNames = [nameof(SepalLength), nameof(SepalWidth), nameof(PetalLength), nameof(PetalWidth)];

    public float SepalLength { get; set; }

    public float SepalWidth { get; set; }

    public float PetalLength { get; set; }

    public float PetalWidth { get; set; }

    public string Species { get; set; } = "";
}

internal static class IrisData
{
    /// <summary>Reads the CSV shipped with the function: a header, four measurements in cm, the species.</summary>
    public static List<IrisRow> Load(string path) => File.ReadLines(path)
        .Skip(1)
        .Where(line => line.Length > 0)
        .Select(line => line.Split(','))
        .Select(cells => new IrisRow
        {
            SepalLength = float.Parse(cells[0], CultureInfo.InvariantCulture),
            SepalWidth = float.Parse(cells[1], CultureInfo.InvariantCulture),
            PetalLength = float.Parse(cells[2], CultureInfo.InvariantCulture),
            PetalWidth = float.Parse(cells[3], CultureInfo.InvariantCulture),
            Species = cells[4].Trim(),
        })
        .ToList();

    /// <summary>One file of a dataset artifact (iris-split's): the same columns as the function's own CSV.</summary>
    public static List<IrisRow> LoadFrom(string artifact, string file)
    {
        var path = Path.Combine(artifact, file);
        if (!File.Exists(path))
        {
            throw FunctionError.InvalidArgument($"the artifact 'dataset' has no {file}: give the 'dataset' of iris-split");
        }

        try
        {
            var rows = Load(path);
            return rows.Count > 0 ? rows : throw FunctionError.InvalidArgument($"the artifact 'dataset' has no rows in {file}");
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException)
        {
            throw FunctionError.InvalidArgument($"the artifact 'dataset' has a row in {file} that is not four measurements and a species");
        }
    }

    /// <summary>
    /// Holds out the same share of every species (at least one row of each on both sides), shuffled by the
    /// seed, so the test set looks like the data and the same seed always gives the same split.
    /// </summary>
    public static (List<IrisRow> Train, List<IrisRow> Test) StratifiedSplit(List<IrisRow> rows, double testSize, int seed)
    {
        var random = new Random(seed);
        var train = new List<IrisRow>();
        var test = new List<IrisRow>();
        foreach (var species in rows.GroupBy(r => r.Species).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var shuffled = species.OrderBy(_ => random.Next()).ToList();
            var held = Math.Clamp((int)Math.Round(shuffled.Count * testSize), 1, shuffled.Count - 1);
            test.AddRange(shuffled.Take(held));
            train.AddRange(shuffled.Skip(held));
        }

        return (train, test);
    }
}
