using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Benchmarks;

/// <summary>
/// The cold path of predict (a new process per invocation), one start-up setting at a time. Each variant is a
/// copy of the function whose project file differs by one setting, built through the runner under its own
/// name, so that all are invoked in turn (round-robin, over REST as a client would): a machine that gets
/// busier or quieter during the run moves every variant alike. "kept" is the repository's own project.
/// </summary>
internal sealed class ColdPathMeasurements(Runner.RunnerClient client, HttpClient frontDoor, Samples samples)
{
    private const string ReadyToRun = "<PublishReadyToRun>true</PublishReadyToRun>";
    private const string Invariant = "<InvariantGlobalization>true</InvariantGlobalization>";

    private static readonly (string Function, string Label, Func<string, string> Edit)[] Variants =
    [
        ("predict-jit", "JIT only (no ReadyToRun)", project => Replace(project, ReadyToRun, "")),
        ("predict-r2r", "ReadyToRun (kept)", project => project),
        ("predict-r2r-nopgo", "ReadyToRun + TieredPGO off", project => Replace(project, ReadyToRun, ReadyToRun + "<TieredPGO>false</TieredPGO>")),
        ("predict-r2r-notc", "ReadyToRun + TieredCompilation off", project => Replace(project, ReadyToRun, ReadyToRun + "<TieredCompilation>false</TieredCompilation>")),
        ("predict-r2r-icu", "ReadyToRun + culture data (ICU)", project => Replace(project, Invariant, "<InvariantGlobalization>false</InvariantGlobalization>")),
    ];

    /// <summary>Writes the variants beside predict in <paramref name="functionsPath"/>, before the runner reads its functions.</summary>
    public static void Prepare(string functionsPath)
    {
        var source = Path.Combine(functionsPath, "predict");
        var project = File.ReadAllText(Path.Combine(source, "Predict.csproj"));
        foreach (var (function, _, edit) in Variants)
        {
            var target = Path.Combine(functionsPath, function);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }

            File.WriteAllText(Path.Combine(target, "Predict.csproj"), edit(project));
        }
    }

    public async Task RunAsync(int rounds, CancellationToken cancellationToken)
    {
        foreach (var (function, label, _) in Variants)
        {
            Console.WriteLine($"cold path: building {function} ({label})...");
            var clock = Stopwatch.StartNew();
            await BuildAsync(function, cancellationToken);
            samples.Add($"build predict, {label}, first", clock.Elapsed);
            await InvokeAsync(function, cancellationToken); // the image's first start reads its layers from disk
        }

        Console.WriteLine($"cold path: {rounds} rounds of one predict per variant...");
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (function, label, _) in Variants)
            {
                var clock = Stopwatch.StartNew();
                await InvokeAsync(function, cancellationToken);
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

    private async Task BuildAsync(string function, CancellationToken cancellationToken)
    {
        using var call = client.BuildImage(new BuildImageRequest { Function = function }, deadline: DateTime.UtcNow.AddMinutes(20), cancellationToken: cancellationToken);
        BuildCompleted? completed = null;
        await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            completed = item.Completed ?? completed;
        }

        _ = completed ?? throw new InvalidOperationException($"the build of {function} did not complete");
    }

    private async Task InvokeAsync(string function, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["function"] = function, ["parameters"] = new JsonObject { ["features"] = new JsonArray(5.1, 3.5, 1.4, 0.2) } };
        using var response = await frontDoor.PostAsJsonAsync("/invoke", body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
