using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Mlops.Testing;
using Mlops.V1;

namespace Mlops.Benchmarks;

/// <summary>
/// The runner alone (no AppHost, no OTLP endpoint), started once per variant and round, interleaved so that
/// the machine's noise falls on every variant alike: its memory settled after start, then after a run of
/// hello invocations, read from /proc (smaps_rollup, and smaps by mapping for --breakdown).
/// </summary>
internal static class RunnerMemory
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private sealed record Variant(string Name, IReadOnlyDictionary<string, string> Environment);

    private sealed record Reading(double IdleRss, double IdleAnon, double IdleJit, double IdleFile, double LoadedRss, double LoadedAnon, double LoadedJit, double LoadedFile, double Peak, double MedianMs, double StartMs);

    public static async Task<int> RunAsync(string root, string[] args)
    {
        var invocations = int.Parse(Value(args, "--invocations") ?? "50", CultureInfo.InvariantCulture);
        var rounds = int.Parse(Value(args, "--rounds") ?? "1", CultureInfo.InvariantCulture);
        // The runner as the AppHost runs it: its native publish (see Mlops.AppHost.csproj); a folder with
        // Mlops.Runner.dll (the JIT-compiled build, bin/Release/net10.0) is run with `dotnet` instead.
        var binaries = Value(args, "--runner-bin") ?? Path.Combine(root, "Mlops.Runner", "bin", "Release", "net10.0", RuntimeInformation.RuntimeIdentifier, "publish");
        var breakdown = args.Contains("--breakdown");
        // --mixed: before the hellos, what else the benchmark asks of the runner: builds of train and predict, three
        // trainings, predictions at concurrency 4 (as many as hellos).
        var mixed = args.Contains("--mixed");
        // Keeps each runner this long after its last reading, for a look with other tools (dotnet-counters, pmap).
        var hold = TimeSpan.FromSeconds(int.Parse(Value(args, "--hold") ?? "0", CultureInfo.InvariantCulture));
        // --variant name:KEY=VALUE,KEY=VALUE (environment of the runner, BIN=folder for another build); none: the runner as built.
        var variants = args.Select((arg, i) => (arg, i)).Where(p => p.arg == "--variant" && p.i + 1 < args.Length)
            .Select(p => ParseVariant(args[p.i + 1])).ToList();
        if (variants.Count == 0)
        {
            variants.Add(new Variant("as built", new Dictionary<string, string>()));
        }

        var functions = Directory.CreateTempSubdirectory("mlops-runner-memory-functions-").FullName;
        foreach (var function in mixed ? new[] { "hello", "train", "predict" } : ["hello"])
        {
            CopyDirectory(Path.Combine(root, "functions", function), Path.Combine(functions, function));
        }

        try
        {
            // The images may need a build: that is not what is measured, so one unmeasured start builds them.
            await MeasureOnceAsync(Path.Combine(root, "Mlops.Runner"), binaries, functions, variants[0], 1, mixed, breakdown: false, TimeSpan.Zero);
            var readings = variants.ToDictionary(v => v.Name, _ => new List<Reading>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var variant in variants)
                {
                    var reading = await MeasureOnceAsync(Path.Combine(root, "Mlops.Runner"), binaries, functions, variant, invocations, mixed, breakdown && round == 0, hold);
                    readings[variant.Name].Add(reading);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round + 1} {variant.Name}: idle {reading.IdleRss:F1} MB (anon {reading.IdleAnon:F1}, doublemapped {reading.IdleJit:F1}, files {reading.IdleFile:F1}), after {invocations} hellos {reading.LoadedRss:F1} MB (anon {reading.LoadedAnon:F1}, doublemapped {reading.LoadedJit:F1}, files {reading.LoadedFile:F1}), peak {reading.Peak:F1} MB, hello median {reading.MedianMs:F0} ms, health after {reading.StartMs:F0} ms"));
                }
            }

            Console.WriteLine();
            Console.WriteLine($"| variant | idle RSS MB | anon | doublemapped | files | RSS after {invocations} hellos MB | VmHWM MB | hello median ms | start ms | n |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var variant in variants)
            {
                var r = readings[variant.Name];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {variant.Name} | {Median(r, x => x.IdleRss):F1} | {Median(r, x => x.IdleAnon):F1} | {Median(r, x => x.IdleJit):F1} | {Median(r, x => x.IdleFile):F1} | {Median(r, x => x.LoadedRss):F1} | {Median(r, x => x.Peak):F1} | {Median(r, x => x.MedianMs):F0} | {Median(r, x => x.StartMs):F0} | {r.Count} |"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(functions, recursive: true);
        }
    }

    /// <param name="project">The runner's project folder: it starts there, as the AppHost starts it, and reads its settings from there.</param>
    private static async Task<Reading> MeasureOnceAsync(string project, string binaries, string functions, Variant variant, int invocations, bool mixed, bool breakdown, TimeSpan hold)
    {
        var root = Directory.CreateTempSubdirectory("mlops-runner-memory-").FullName;
        var port = AppHostProcess.FreePort();
        var address = $"http://127.0.0.1:{port}";
        // A variant may be another build of the runner: BIN=<its output folder>.
        binaries = Path.GetFullPath(variant.Environment.GetValueOrDefault("BIN", binaries));
        var assembly = Path.Combine(binaries, "Mlops.Runner.dll");
        var jit = File.Exists(assembly);
        var info = new ProcessStartInfo(jit ? "dotnet" : Path.Combine(binaries, "Mlops.Runner")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = project };
        if (jit)
        {
            info.ArgumentList.Add(assembly);
        }

        info.Environment["Kestrel__Endpoints__grpc__Url"] = address;
        info.Environment["Runner__FunctionsPath"] = functions;
        info.Environment["Runner__DataPath"] = Path.Combine(root, "data");
        info.Environment["Runner__LogsPath"] = Path.Combine(root, "logs");
        info.Environment["Runner__InstanceName"] = $"mem-{Guid.NewGuid():N}"[..16];
        info.Environment["Auth__DataPath"] = Path.Combine(root, "data");
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in variant.Environment.Where(pair => pair.Key != "BIN"))
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"runner: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var started = Stopwatch.StartNew();
            await WaitHealthyAsync(address, process);
            var startMs = started.Elapsed.TotalMilliseconds;
            await Task.Delay(Settle);
            var idle = Rollup(process.Id);
            if (breakdown)
            {
                PrintBreakdown(process.Id, $"{variant.Name}, idle");
            }

            var key = BearerHandler.AdminKeyIn(Path.Combine(root, "data"));
            using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = new BearerHandler(key) });
            var client = new Runner.RunnerClient(channel);
            if (mixed)
            {
                await MixedAsync(client, invocations);
            }

            var times = new List<double>();
            for (var i = 0; i < invocations; i++)
            {
                var clock = Stopwatch.StartNew();
                await InvokeHelloAsync(client);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            await Task.Delay(TimeSpan.FromSeconds(3));
            var loaded = Rollup(process.Id);
            if (breakdown)
            {
                PrintBreakdown(process.Id, $"{variant.Name}, after {invocations} hellos");
            }

            if (hold > TimeSpan.Zero)
            {
                Console.WriteLine($"holding runner {process.Id} ({variant.Name}, {address}) for {hold.TotalSeconds:F0} s");
                await Task.Delay(hold);
            }

            return new Reading(idle.Rss, idle.Anon, idle.Jit, idle.File, loaded.Rss, loaded.Anon, loaded.Jit, loaded.File, loaded.Peak, times.Count == 0 ? 0 : Median(times, t => t), startMs);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task MixedAsync(Runner.RunnerClient client, int predictions)
    {
        foreach (var function in new[] { "train", "predict" })
        {
            using var build = client.BuildImage(new BuildImageRequest { Function = function }, deadline: DateTime.UtcNow.AddMinutes(20));
            await foreach (var _ in build.ResponseStream.ReadAllAsync())
            {
            }
        }

        for (var i = 0; i < 3; i++)
        {
            await InvokeAsync(client, "train", new Struct());
        }

        var flower = Struct.Parser.ParseJson("""{"features": [5.1, 3.5, 1.4, 0.2]}""");
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= predictions)
            {
                await InvokeAsync(client, "predict", flower);
            }
        }));
    }

    private static Task InvokeHelloAsync(Runner.RunnerClient client) => InvokeAsync(client, "hello", new Struct());

    private static Task InvokeAsync(Runner.RunnerClient client, string function, Struct parameters) =>
        InvokeCalls.RunAsync(client, function, parameters, TimeSpan.FromMinutes(5));

    private static async Task WaitHealthyAsync(string address, Process process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline && !process.HasExited; await Task.Delay(50))
        {
            try
            {
                using var health = await http.GetAsync($"{address}/health");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
        }

        throw new InvalidOperationException($"the runner did not come up at {address}");
    }

    /// <summary>
    /// RSS, its anonymous part, the JIT's double-mapped memory (W^X: shared memory, so not "Anonymous", and
    /// counted once per view), the rest (mapped files), in MB; and VmHWM.
    /// </summary>
    private static (double Rss, double Anon, double Jit, double File, double Peak) Rollup(int pid)
    {
        var rollup = File.ReadAllLines($"/proc/{pid}/smaps_rollup");
        double Kb(string[] lines, string key) =>
            double.Parse(lines.Single(l => l.StartsWith(key + ":", StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
        var status = File.ReadAllLines($"/proc/{pid}/status");
        var rss = Kb(rollup, "Rss");
        var anon = Kb(rollup, "Anonymous");
        var jit = RssByMapping(pid).Where(p => p.Key.StartsWith("/memfd:doublemapper", StringComparison.Ordinal)).Sum(p => p.Value);
        return (rss, anon, jit, rss - anon - jit, Kb(status, "VmHWM"));
    }

    /// <summary>Rss by mapped file ([anon] for anonymous mappings), largest first.</summary>
    private static void PrintBreakdown(int pid, string title)
    {
        var byName = RssByMapping(pid);
        Console.WriteLine($"-- Rss by mapping: {title} (total {byName.Values.Sum():F1} MB, {byName.Count(p => p.Key.EndsWith(".dll", StringComparison.Ordinal))} assemblies mapped)");
        foreach (var (name, mb) in byName.OrderByDescending(p => p.Value).Where(p => p.Value >= 0.25))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mb,8:F2} MB  {name}"));
        }
    }

    private static Dictionary<string, double> RssByMapping(int pid)
    {
        var byName = new Dictionary<string, double>();
        string current = "";
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var first = line.Split(' ', 2)[0];
            if (first.Contains('-', StringComparison.Ordinal) && !first.EndsWith(':'))
            {
                var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                current = fields.Length >= 6 ? fields[5].Trim() : AnonymousKind(fields[0]);
            }
            else if (line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                var kb = double.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                byName[current] = byName.GetValueOrDefault(current) + kb / 1024;
            }
        }

        return byName;
    }

    /// <summary>Anonymous mappings told apart by size: the GC reserves its range at once, glibc's malloc arenas are 64 MB.</summary>
    private static string AnonymousKind(string range)
    {
        var bounds = range.Split('-');
        var size = Convert.ToInt64(bounds[1], 16) - Convert.ToInt64(bounds[0], 16);
        return size switch
        {
            >= 1L << 30 => "[anon: mappings of 1 GB or more, the GC's reservation]",
            >= 32L << 20 => "[anon: 32 MB to 1 GB, e.g. malloc arenas]",
            _ => "[anon: under 32 MB]",
        };
    }

    private static Variant ParseVariant(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? text : text[..colon];
        var settings = colon < 0 ? [] : text[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        return new Variant(name, settings.Select(s => s.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : ""));
    }

    private static string? Value(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static double Median<T>(IReadOnlyList<T> items, Func<T, double> selector)
    {
        var sorted = items.Select(selector).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
    }
}
