using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Mlops.Benchmarks;

/// <summary>
/// The cold path of predict (a new process per invocation), one start-up setting at a time. Each variant is a
/// copy of the function whose project file differs by one setting, built through the runner under its own
/// name, so that all are invoked in turn (round-robin, over REST as a client would): a machine that gets
/// busier or quieter during the run moves every variant alike. "kept" is the repository's own project.
/// </summary>
internal sealed class ColdPathMeasurements(Measurements measure, Samples samples)
{
    private const string ReadyToRun = "<PublishReadyToRun>true</PublishReadyToRun>";
    private const string Composite = "<PublishReadyToRunComposite>true</PublishReadyToRunComposite>";
    private const string Invariant = "<InvariantGlobalization>true</InvariantGlobalization>";
    private static readonly JsonObject Flower = new() { ["features"] = new JsonArray(5.1, 3.5, 1.4, 0.2) };

    private static readonly (string Function, string Label, Func<string, string> Edit)[] Variants =
    [
        ("predict-jit", "JIT only (no ReadyToRun)", project => Replace(Replace(project, Composite, ""), ReadyToRun, "")),
        ("predict-r2r", "ReadyToRun, one image per assembly", project => Replace(project, Composite, "")),
        ("predict-composite", "ReadyToRun composite (kept)", project => project),
        ("predict-composite-nopgo", "composite + TieredPGO off", project => Replace(project, Composite, Composite + "<TieredPGO>false</TieredPGO>")),
        ("predict-composite-notc", "composite + TieredCompilation off", project => Replace(project, Composite, Composite + "<TieredCompilation>false</TieredCompilation>")),
        ("predict-composite-icu", "composite + culture data (ICU)", project => Replace(project, Invariant, "<InvariantGlobalization>false</InvariantGlobalization>")),
    ];

    /// <summary>Writes the variants beside predict in <paramref name="functionsPath"/>, before the runner reads its functions.</summary>
    public static void Prepare(string functionsPath)
    {
        var source = Path.Combine(functionsPath, "predict");
        var project = File.ReadAllText(Path.Combine(source, "Predict.csproj"));
        foreach (var (function, _, edit) in Variants)
        {
            var target = Path.Combine(functionsPath, function);
            FunctionCopies.Copy(source, target);
            // The cold path is the point: predict's warm pool would hand most of these calls a pre-started container.
            FunctionCopies.RemovePool(target);
            File.WriteAllText(Path.Combine(target, "Predict.csproj"), edit(project));
        }
    }

    public async Task RunAsync(int rounds)
    {
        foreach (var (function, label, _) in Variants)
        {
            Console.WriteLine($"cold path: building {function} ({label})...");
            var clock = Stopwatch.StartNew();
            await measure.BuildAsync(function);
            samples.Add($"build predict, {label}, first", clock.Elapsed);
            await measure.InvokeRestAsync(function, Flower); // the image's first start reads its layers from disk
        }

        Console.WriteLine($"cold path: {rounds} rounds of one predict per variant...");
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (function, label, _) in Variants)
            {
                var clock = Stopwatch.StartNew();
                await measure.InvokeRestAsync(function, Flower);
                samples.Add($"predict, {label}, REST via NGINX", clock.Elapsed);
            }
        }
    }

    /// <summary>The variants' images and build stages: nobody else wants them.</summary>
    public static async Task ForgetAsync()
    {
        foreach (var (function, _, _) in Variants)
        {
            await Engine.ForgetImagesAsync(function);
        }
    }

    private static string Replace(string project, string setting, string replacement) =>
        project.Contains(setting, StringComparison.Ordinal)
            ? project.Replace(setting, replacement, StringComparison.Ordinal)
            : throw new InvalidOperationException($"Predict.csproj no longer has {setting}: the cold-path variants need updating");
}
