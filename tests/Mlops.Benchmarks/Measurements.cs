using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Benchmarks;

/// <summary>Each measurement drives the system as a client would (gRPC, or REST through NGINX) and adds to the samples.</summary>
internal sealed class Measurements(Runner.RunnerClient client, HttpClient frontDoor, Samples samples)
{
    public Dictionary<string, (long Image, long Own)> Sizes { get; } = [];

    public List<(string Name, double Value, string Unit)> Figures { get; } = [];

    /// <summary>Images built from the benchmark's changed copies: nobody else wants them.</summary>
    public List<string> ChangedImages { get; } = [];

    /// <summary>
    /// First build (from nothing with <paramref name="forget"/>), a build with nothing changed, a rebuild after a one-line change.
    /// With <paramref name="copyDiffers"/> the copy was changed before (the pool's idle time), so its first image is the benchmark's too.
    /// </summary>
    public async Task BuildsAsync(string function, string functionsPath, string changedFile, bool forget, bool copyDiffers = false)
    {
        if (forget)
        {
            await Engine.ForgetImagesAsync(function);
        }

        var clock = Stopwatch.StartNew();
        var first = await BuildAsync(function);
        if (copyDiffers)
        {
            ChangedImages.Add(first.Image);
        }

        samples.Add($"build {function}, {(forget ? "first (nothing cached)" : "first in this run")}", clock.Elapsed);
        clock.Restart();
        await BuildAsync(function);
        samples.Add($"build {function}, no change (cache hit)", clock.Elapsed);

        var comment = changedFile.EndsWith(".sh", StringComparison.Ordinal) ? "#" : "//";
        await File.AppendAllTextAsync(Path.Combine(functionsPath, function, changedFile), $"\n{comment} benchmark change {Guid.NewGuid():N}\n");
        clock.Restart();
        var rebuilt = await BuildAsync(function);
        samples.Add($"build {function}, after a one-line change", clock.Elapsed);
        ChangedImages.Add(rebuilt.Image);
        Sizes[function] = (rebuilt.SizeBytes, rebuilt.FunctionLayersBytes);
    }

    /// <summary>Invocations one after another over gRPC, each in a fresh container; wall time from the call to the last event.</summary>
    public async Task GrpcInvocationsAsync(string function, string label, int count, Struct parameters, bool phases = false)
    {
        await InvokeAsync(function, parameters);
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            var completed = await InvokeAsync(function, parameters);
            var wall = clock.Elapsed;
            samples.Add($"{label}, gRPC", wall);
            if (phases)
            {
                samples.Add("  resolve image (cache hit)", completed.Phases.Image.ToTimeSpan());
                samples.Add("  container create", completed.Phases.Create.ToTimeSpan());
                samples.Add("  container start", completed.Phases.Start.ToTimeSpan());
                samples.Add("  container wait (the function runs)", completed.Phases.Run.ToTimeSpan());
                samples.Add("  container remove", completed.Phases.Remove.ToTimeSpan());
                samples.Add("  control-plane overhead (wall - wait)", wall - completed.Phases.Run.ToTimeSpan());
            }
        }
    }

    /// <summary>The same through NGINX and the gateway: POST /invoke, as the source documents' clients call it.</summary>
    public async Task RestInvocationsAsync(string function, string label, int count, JsonObject parameters)
    {
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            await InvokeRestAsync(function, parameters);
            samples.Add($"{label}, REST via NGINX", clock.Elapsed);
        }
    }

    /// <summary>One <c>POST /invoke</c> through NGINX, to its successful end.</summary>
    public async Task InvokeRestAsync(string function, JsonObject parameters, CancellationToken cancellationToken = default)
    {
        using var response = await frontDoor.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = function, ["parameters"] = parameters.DeepClone() }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // The gateway's answer says why (a status alone does not).
            throw new HttpRequestException($"POST /invoke {function}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}", null, response.StatusCode);
        }
    }

    /// <summary><paramref name="total"/> gRPC predicts of <paramref name="function"/> by <paramref name="concurrency"/> clients at once: latency of each, throughput of all.</summary>
    public Task<double> ThroughputAsync(string function, int total, int concurrency, Struct parameters) =>
        ThroughputAsync($"predict x{total} at concurrency {concurrency}", total, concurrency, () => InvokeAsync(function, parameters));

    /// <summary><paramref name="total"/> calls by <paramref name="concurrency"/> clients at once, each as soon as the client's last has answered; calls per second.</summary>
    public async Task<double> ThroughputAsync(string label, int total, int concurrency, Func<Task> call)
    {
        var next = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= total)
            {
                var one = Stopwatch.StartNew();
                await call();
                samples.Add($"{label}, per request", one.Elapsed);
            }
        });
        await Task.WhenAll(workers);
        var perSecond = total / clock.Elapsed.TotalSeconds;
        Figures.Add(($"{label}, throughput", perSecond, "invocations/s"));
        return perSecond;
    }

    public async Task<BuildCompleted> BuildAsync(string function, CancellationToken cancellationToken = default)
    {
        using var call = client.BuildImage(new BuildImageRequest { Function = function }, deadline: DateTime.UtcNow.AddMinutes(20), cancellationToken: cancellationToken);
        BuildCompleted? completed = null;
        await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            completed = item.Completed ?? completed;
        }

        return completed ?? throw new InvalidOperationException($"the build of {function} did not complete");
    }

    private async Task<InvocationCompleted> InvokeAsync(string function, Struct parameters) =>
        (await InvokeCalls.RunAsync(client, function, parameters, TimeSpan.FromMinutes(10))).Completed;
}
