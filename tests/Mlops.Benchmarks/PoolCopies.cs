using System.Text.Json.Nodes;

namespace Mlops.Benchmarks;

/// <summary>
/// The functions the warm-pool rows compare: hello and predict as the repository declares them (pooled, with a short
/// idle time) and hello-cold and predict-cold, the same files without the pool block, so that cold and pooled run the
/// same code in the same run.
/// </summary>
internal static class PoolCopies
{
    public const string Hello = "hello";
    public const string Predict = "predict";

    /// <summary>
    /// The pooled functions' idle time in the copy: short, so that the pools' draining is measured within the run; the
    /// same in every mode, so that a run adds one image per function.json to the runner's few kept per function.
    /// </summary>
    public const int IdleSeconds = 15;

    public static string Cold(string function) => function + "-cold";

    /// <summary>Writes hello-cold and predict-cold beside their originals, and gives the originals' pools a short idle time.</summary>
    public static void Prepare(string functionsPath)
    {
        foreach (var function in new[] { Hello, Predict })
        {
            var pooled = Path.Combine(functionsPath, function);
            var cold = Path.Combine(functionsPath, Cold(function));
            FunctionCopies.Copy(pooled, cold);
            FunctionCopies.RemovePool(cold);
            FunctionCopies.EditManifest(pooled, manifest =>
            {
                var pool = manifest["pool"] as JsonObject ?? throw new InvalidOperationException($"functions/{function}/function.json declares no pool any more");
                pool["idleSeconds"] = IdleSeconds;
            });
        }
    }

    /// <summary>The functions whose copies differ from the repository's (the idle time): their images are the benchmark's own.</summary>
    public static bool IsPooled(string function) => function is Hello or Predict;
}
