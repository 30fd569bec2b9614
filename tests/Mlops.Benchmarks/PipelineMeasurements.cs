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
/// it, and what depends on it, runs. Beside them, what a pipeline replaces: the same calls made one at a time by a script.
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

        // What it replaces, in the same run: a script making the same calls one at a time.
        var byHand = new ByHand(new Runner.RunnerClient(grpc), new Registry.RegistryClient(grpc), new Endpoints.EndpointsClient(grpc));
        for (var i = 0; i < rounds; i++)
        {
            samples.Add("iris by hand, the same calls one at a time", await byHand.RunAsync([25, 50, 100]));
        }

        await new Endpoints.EndpointsClient(grpc).DeleteEndpointAsync(new DeleteEndpointRequest { Name = Endpoint });
    }

    /// <summary>The pipeline's work as separate calls: each training (registering its version), the best F1 made @champion, the endpoint put, one prediction.</summary>
    private sealed class ByHand(Runner.RunnerClient runner, Registry.RegistryClient registry, Endpoints.EndpointsClient endpoints)
    {
        public async Task<TimeSpan> RunAsync(int[] trees)
        {
            var clock = Stopwatch.StartNew();
            var best = (F1: double.MinValue, Version: 0);
            foreach (var n in trees)
            {
                var data = await TrainAsync(n);
                var f1 = data.Fields["f1_score"].NumberValue;
                best = f1 > best.F1 ? (f1, (int)data.Fields["model_version"].NumberValue) : best;
            }

            await registry.SetModelAliasAsync(new SetModelAliasRequest { Name = Model, Alias = "champion", Version = best.Version });
            await endpoints.PutEndpointAsync(new PutEndpointRequest { Name = Endpoint, Function = "predict", ModelName = Model, ModelVersion = "@champion", MinReplicas = 1, MaxReplicas = 1 });
            var answer = await endpoints.PredictAsync(new PredictRequest { Endpoint = Endpoint, Instances = { Value.ForList(Value.ForNumber(5.1), Value.ForNumber(3.5), Value.ForNumber(1.4), Value.ForNumber(0.2)) } });
            var elapsed = clock.Elapsed;
            Console.WriteLine($"  by hand: {elapsed.TotalSeconds:F2} s, version {answer.ModelVersion} answered");
            return elapsed;
        }

        private async Task<Struct> TrainAsync(int trees)
        {
            var parameters = Struct.Parser.ParseJson($$"""{"n_estimators": {{trees}}, "model_name": "{{Model}}"}""");
            var (_, result) = await InvokeCalls.RunAsync(runner, "train", parameters, TimeSpan.FromMinutes(10));
            return result?.Data ?? throw new InvalidOperationException("train succeeded without a result");
        }
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
