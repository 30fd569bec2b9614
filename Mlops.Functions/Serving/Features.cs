namespace Mlops.Functions.Serving;

/// <summary>What one instance (one row) of a model's input is: its features in order, and what to call it in messages.</summary>
/// <param name="Names">The feature names, in the order the model reads them.</param>
/// <param name="Noun">One instance in the caller's words ("flower"), for messages such as "give at least one flower".</param>
public sealed record Features(IReadOnlyList<string> Names, string Noun = "instance")
{
    /// <summary>The most instances one request may carry.</summary>
    public const int MaxBatch = 10_000;
}
