using System.Text.Json.Nodes;
using Mlops.Functions;

// Splits data/iris.csv by species into the artifact 'dataset': train.csv and test.csv, each with the header.
return await FunctionHost.RunAsync(args, invoke: context =>
{
    var testSize = context.Parameters.GetDouble("test_size");
    var seed = context.Parameters.GetInt32("seed");
    var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "iris.csv"));
    var header = lines[0];
    var rows = lines.Skip(1).Where(line => line.Length > 0).ToList();

    // As train splits when it is given no dataset: per species in ordinal order, shuffled by one seeded Random,
    // at least one row of each species on either side. The same seed and share give train the same sets either way.
    var random = new Random(seed);
    var train = new List<string>();
    var test = new List<string>();
    foreach (var species in rows.GroupBy(row => row[(row.LastIndexOf(',') + 1)..].Trim()).OrderBy(group => group.Key, StringComparer.Ordinal))
    {
        var shuffled = species.OrderBy(_ => random.Next()).ToList();
        var held = Math.Clamp((int)Math.Round(shuffled.Count * testSize), 1, shuffled.Count - 1);
        test.AddRange(shuffled.Take(held));
        train.AddRange(shuffled.Skip(held));
    }

    File.WriteAllLines(context.OutputArtifacts.PathOf("dataset", "train.csv"), train.Prepend(header));
    File.WriteAllLines(context.OutputArtifacts.PathOf("dataset", "test.csv"), test.Prepend(header));
    context.Log.Info($"Iris: {rows.Count} rows; {train.Count} to train on, {test.Count} to test on (stratified, seed {seed})");
    context.WriteResult(
        new JsonObject { ["train_rows"] = train.Count, ["test_rows"] = test.Count },
        new JsonObject { ["test_size"] = testSize, ["seed"] = seed },
        new JsonObject { ["artifacts"] = new JsonArray("dataset") });
});
