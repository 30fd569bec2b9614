using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Mlops.Testing;
using Mlops.V1;

namespace Mlops.Benchmarks;

/// <summary>
/// The iris pipeline end to end (split, trainings over n_estimators, best, register, promote, deploy, a smoke prediction)
/// as the CLI runs it: RunPipeline on NGINX's gRPC port, until the run's last event. Cold: nothing taken from the cache
/// (images already built); fully cached: the same run again; one step changed: one training's n_estimators new, so that
/// it, and what depends on it, runs.
/// </summary>
internal sealed class PipelineMeasurements(AppHostProcess app, Samples samples, List<(string Name, double Value, string Unit)> figures, bool quick)
{
    private const string Endpoint = "bench-pipeline";
    private const string Model = "bench_pipeline_model";

    public async Task RunAsync()
    {
        using var grpc = GrpcChannel.ForAddress(app.FrontDoorGrpc, new GrpcChannelOptions { HttpHandler = new BearerHandler(app.AdminKey) });
        var pipelines = new Pipelines.PipelinesClient(grpc);
        var rounds = quick ? 1 : 3;

        // The first run builds what is not built yet (iris-split's image, say): a figure, not a sample.
        var first = await RunAsync(pipelines, Inputs(25, 50, 100), noCache: true);
        figures.Add(("pipeline iris, first run (images built as needed)", first.TotalSeconds, "s"));
        for (var i = 0; i < rounds; i++)
        {
            samples.Add("pipeline iris, cold (no cache, images built)", await RunAsync(pipelines, Inputs(25, 50, 100), noCache: true));
        }

        for (var i = 0; i < (quick ? 1 : 10); i++)
        {
            samples.Add("pipeline iris, fully cached", await RunAsync(pipelines, Inputs(25, 50, 100), noCache: false, expectAllCached: true));
        }

        for (var i = 0; i < rounds; i++)
        {
            // A value no earlier round used: one training runs, the other two come from the cache.
            samples.Add("pipeline iris, one training's parameter changed", await RunAsync(pipelines, Inputs(25, 50, 101 + i), noCache: false));
        }

        await new Endpoints.EndpointsClient(grpc).DeleteEndpointAsync(new DeleteEndpointRequest { Name = Endpoint });
    }

    private static Struct Inputs(params int[] trees) =>
        Struct.Parser.ParseJson($$"""{"n_estimators": [{{string.Join(", ", trees)}}], "model_name": "{{Model}}", "endpoint": "{{Endpoint}}"}""");

    private static async Task<TimeSpan> RunAsync(Pipelines.PipelinesClient pipelines, Struct inputs, bool noCache, bool expectAllCached = false)
    {
        var clock = Stopwatch.StartNew();
        PipelineRun? completed = null;
        using (var call = pipelines.RunPipeline(new RunPipelineRequest { Pipeline = "iris", Inputs = inputs, NoCache = noCache }, deadline: DateTime.UtcNow.AddMinutes(15)))
        {
            await foreach (var item in call.ResponseStream.ReadAllAsync())
            {
                completed = item.Completed ?? completed;
            }
        }

        var elapsed = clock.Elapsed;
        if (completed is not { Status: PipelineRunStatus.Succeeded })
        {
            throw new InvalidOperationException($"the iris pipeline ended {completed?.Status}: {completed?.ErrorMessage}");
        }

        if (expectAllCached && completed.Steps.FirstOrDefault(step => !step.CacheHit) is { } ran)
        {
            throw new InvalidOperationException($"step {ran.Step} ran again in a run that should have been all cached");
        }

        Console.WriteLine($"  iris: {elapsed.TotalSeconds:F2} s, {completed.Steps.Count(step => step.CacheHit)}/{completed.Steps.Count} steps cached");
        return elapsed;
    }
}
