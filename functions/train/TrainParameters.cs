using System.Text.Json.Nodes;
using Mlops.Functions.Parameters;

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

    /// <summary>Trained and tested on the artifact 'dataset' (a pipeline's split): <see cref="TestSize"/> was not used.</summary>
    public bool FromDataset { get; init; }

    public int Leaves => Math.Min(MaxDepth is { } depth ? Math.Max(2, 1 << depth) : DefaultLeaves, Math.Max(2, LeavesTheDataCanFill));

    /// <summary>The parameters as function.json bounds them (the SDK checked them and filled the defaults).</summary>
    public static TrainParameters From(FunctionParameters parameters) => new(
        parameters.GetInt32("n_estimators"),
        parameters.GetInt32OrNull("max_depth"),
        parameters.GetInt32("min_samples_leaf"),
        parameters.GetDouble("test_size"),
        parameters.GetInt32("seed"),
        parameters.GetString("model_name"));

    public JsonObject ToJson()
    {
        var json = Values();
        if (FromDataset)
        {
            json["dataset"] = "artifact";
        }

        return json;
    }

    private JsonObject Values() => new()
    {
        ["n_estimators"] = Trees,
        ["max_depth"] = MaxDepth,
        ["num_leaves"] = Leaves,
        ["min_samples_leaf"] = MinLeaf,
        ["test_size"] = FromDataset ? "unused: the artifact 'dataset' holds the split" : TestSize,
        ["seed"] = Seed,
        ["trainer"] = "OneVersusAll(FastForest)",
        ["model_name"] = ModelName,
    };
}
