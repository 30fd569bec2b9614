using System.Text.Json;
using System.Text.Json.Nodes;

namespace Train;

/// <summary>
/// The hyperparameters, named as in the source documents' scikit-learn RandomForest. FastForest grows each
/// tree leaf by leaf up to a number of leaves, not to a depth; a binary tree of depth d has at most 2^d
/// leaves, so max_depth=d becomes a cap of 2^d leaves (without max_depth, FastForest's default of 20).
/// </summary>
internal sealed record TrainParameters(int Trees, int? MaxDepth, int MinLeaf, double TestSize, int Seed, string ModelName)
{
    public const int DefaultLeaves = 20;

    public static readonly string[] FeatureNames = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

    /// <summary>
    /// The most leaves the training data can fill: one per <see cref="MinLeaf"/> rows. FastForest sizes each
    /// tree's arrays by its leaf cap, so a cap far past this only costs memory (2,000 trees of 4,096 leaves per
    /// class did not fit in 2 GB, for 120 rows).
    /// </summary>
    public int LeavesTheDataCanFill { get; init; } = int.MaxValue;

    public int Leaves => Math.Min(MaxDepth is { } depth ? Math.Max(2, 1 << depth) : DefaultLeaves, Math.Max(2, LeavesTheDataCanFill));

    public static TrainParameters From(JsonObject json) => new(
        Integer(json, "n_estimators", 100, 1, 2000),
        json["max_depth"] is null ? null : Integer(json, "max_depth", 0, 1, 12),
        Integer(json, "min_samples_leaf", 1, 1, 100),
        Number(json, "test_size", 0.2, 0.05, 0.95),
        Integer(json, "seed", 42, 0, int.MaxValue),
        json["model_name"]?.GetValue<string>() ?? "iris_model");

    public JsonObject ToJson() => new()
    {
        ["n_estimators"] = Trees,
        ["max_depth"] = MaxDepth,
        ["num_leaves"] = Leaves,
        ["min_samples_leaf"] = MinLeaf,
        ["test_size"] = TestSize,
        ["seed"] = Seed,
        ["trainer"] = "OneVersusAll(FastForest)",
        ["model_name"] = ModelName,
    };

    // The runner validated these against function.json; checked again so the function stands on its own.
    private static int Integer(JsonObject json, string name, int fallback, int min, int max)
    {
        if (json[name] is not { } node)
        {
            return fallback;
        }

        var value = node.GetValueKind() == JsonValueKind.Number ? node.GetValue<double>() : double.NaN;
        return value >= min && value <= max && Math.Floor(value) == value
            ? (int)value
            : throw new InvalidInputException($"{name} must be an integer from {min} to {max}");
    }

    private static double Number(JsonObject json, string name, double fallback, double min, double max)
    {
        if (json[name] is not { } node)
        {
            return fallback;
        }

        var value = node.GetValueKind() == JsonValueKind.Number ? node.GetValue<double>() : double.NaN;
        return value >= min && value <= max ? value : throw new InvalidInputException($"{name} must be a number from {min} to {max}");
    }
}
