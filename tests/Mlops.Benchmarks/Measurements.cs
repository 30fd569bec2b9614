using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Benchmarks;

/// <summary>Each measurement drives the runner over gRPC as any client would, and adds to the samples.</summary>
internal sealed class Measurements(Runner.RunnerClient client, Samples samples)
{
    public Dictionary<string, (long Image, long Own)> Sizes { get; } = [];

    /// <summary>A first build (nothing cached, unless <paramref name="forget"/> is off) and a build with nothing changed.</summary>
    public async Task BuildsAsync(string function, bool forget)
    {
        if (forget)
        {
            await Engine.ForgetImagesAsync(function);
        }

        var clock = Stopwatch.StartNew();
        var first = await BuildAsync(function);
        samples.Add($"build {function}, {(forget ? "first (nothing cached)" : "first in this run")}", clock.Elapsed);
        clock.Restart();
        await BuildAsync(function);
        samples.Add($"build {function}, no change (cache hit)", clock.Elapsed);
        Sizes[function] = (first.SizeBytes, first.FunctionLayersBytes);
    }

    /// <summary>Invocations one after another, each in a fresh container; wall time from the call to the last event.</summary>
    public async Task InvocationsAsync(string function, string label, int count, Struct parameters, bool phases = false)
    {
        await InvokeAsync(function, parameters);
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            var completed = await InvokeAsync(function, parameters);
            var wall = clock.Elapsed;
            samples.Add($"{label}, wall time (gRPC)", wall);
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

    private async Task<BuildCompleted> BuildAsync(string function)
    {
        using var call = client.BuildImage(new BuildImageRequest { Function = function }, deadline: DateTime.UtcNow.AddMinutes(20));
        BuildCompleted? completed = null;
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            completed = item.Completed ?? completed;
        }

        return completed ?? throw new InvalidOperationException($"the build of {function} did not complete");
    }

    private async Task<InvocationCompleted> InvokeAsync(string function, Struct parameters)
    {
        using var call = client.Invoke(new InvokeRequest { Function = function, Parameters = parameters }, deadline: DateTime.UtcNow.AddMinutes(10));
        InvocationCompleted? completed = null;
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            completed = item.Completed ?? completed;
        }

        return completed ?? throw new InvalidOperationException($"the invocation of {function} did not complete");
    }
}
