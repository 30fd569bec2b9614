using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Inference;
using Mlops.Testing;
using Mlops.V1;

namespace Mlops.Benchmarks;

/// <summary>
/// Online serving, measured as users reach it: through NGINX for REST, on NGINX's gRPC port for KServe V2
/// gRPC. Warm latency one request at a time, throughput at concurrency 32, a start from zero, a rollout
/// under load (its failed requests), and the memory of a replica.
/// </summary>
internal sealed class ServingMeasurements(AppHostProcess app, GrpcChannel runner, Samples samples, List<(string Name, double Value, string Unit)> figures, bool quick)
{
    private const string Endpoint = "bench";

    /// <summary>One flower, as {"instances"}.</summary>
    internal static readonly byte[] Seed = Encoding.UTF8.GetBytes("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}""");
    private static readonly byte[] V2 = Encoding.UTF8.GetBytes("""{"inputs": [{"name": "input-0", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}""");

    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = new Uri(app.FrontDoor),
        Timeout = TimeSpan.FromMinutes(5),
        // Real clients send a key: its check is part of every prediction measured here.
        DefaultRequestHeaders = { Authorization = new("Bearer", app.AdminKey) },
    };

    /// <summary>One prediction of one flower through NGINX, REST {"instances"}.</summary>
    internal Task PredictAsync(string endpoint) => PostAsync($"/endpoints/{endpoint}/predict", Seed);

    public async Task RunAsync()
    {
        var warm = quick ? 50 : 2000;
        var total = quick ? 200 : 20_000;
        await PutAsync(Endpoint, "latest", min: 1, max: 4);

        await LatencyAsync("serve: predict, REST {\"instances\"} via NGINX, c=1", warm, () => PostAsync($"/endpoints/{Endpoint}/predict", Seed));
        await LatencyAsync("serve: predict, REST V2 infer via NGINX, c=1", warm, () => PostAsync($"/v2/models/{Endpoint}/infer", V2));
        using var grpc = GrpcChannel.ForAddress(app.FrontDoorGrpc, new GrpcChannelOptions { HttpHandler = new BearerHandler(app.AdminKey) });
        var inference = new GRPCInferenceService.GRPCInferenceServiceClient(grpc);
        var request = new ModelInferRequest { ModelName = Endpoint };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input-0", Datatype = "FP32", Shape = { 1, 4 }, Contents = new InferTensorContents { Fp32Contents = { 5.1f, 3.5f, 1.4f, 0.2f } } });
        await LatencyAsync("serve: predict, gRPC V2 ModelInfer via NGINX, c=1", warm, async () => await inference.ModelInferAsync(request));

        await ThroughputAsync("REST {\"instances\"} via NGINX", total, 32, () => PostAsync($"/endpoints/{Endpoint}/predict", Seed));
        figures.Add(("replica RSS after the load (largest)", await ReplicaMemoryAsync(Endpoint), "MB"));

        for (var i = 0; i < (quick ? 1 : 3); i++)
        {
            await PutAsync("bench-zero", "latest", min: 0, max: 1);
            var clock = Stopwatch.StartNew();
            await PostAsync("/endpoints/bench-zero/predict", Seed);
            samples.Add("serve: first prediction from zero replicas", clock.Elapsed);
            await DeleteAsync("bench-zero");
        }

        await RolloutAsync();
        await DeleteAsync(Endpoint);
    }

    private async Task LatencyAsync(string label, int count, Func<Task> call)
    {
        // Warm: the JIT's second tier and the connection pools settle before anything is counted.
        for (var i = 0; i < Math.Max(10, count / 2); i++)
        {
            await call();
        }

        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            await call();
            samples.Add(label, clock.Elapsed);
        }
    }

    internal async Task ThroughputAsync(string label, int total, int concurrency, Func<Task> call)
    {
        var next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= total)
            {
                var one = Stopwatch.StartNew();
                await call();
                samples.Add($"serve: predict, {label}, c={concurrency}", one.Elapsed);
            }
        }));
        figures.Add(($"serve: predictions/s at concurrency {concurrency}, {label} (x{total}, client in the same 2 cores)", total / clock.Elapsed.TotalSeconds, "predictions/s"));
    }

    /// <summary>The endpoint follows @champion; under steady load the alias moves to a newly trained version.</summary>
    private async Task RolloutAsync()
    {
        var registry = new Registry.RegistryClient(runner);
        var latest = (await registry.GetModelAsync(new GetModelRequest { Name = "iris_model" })).LatestVersion;
        await registry.SetModelAliasAsync(new SetModelAliasRequest { Name = "iris_model", Alias = "bench", Version = latest });
        await PutAsync("bench-roll", "@bench", min: 1, max: 2);
        using var train = await _http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "train", ["parameters"] = new JsonObject { ["n_estimators"] = 10 } });
        var next = (await train.Content.ReadFromJsonAsync<JsonObject>())!["data"]!["model_version"]!.GetValue<int>();

        using var stop = new CancellationTokenSource();
        int ok = 0, failed = 0;
        string? lastVersion = null;
        var load = Enumerable.Range(0, 8).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await _http.PostAsync("/endpoints/bench-roll/predict", Json(Seed));
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref ok);
                    lastVersion = response.Headers.GetValues("X-Model-Version").Single();
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }).ToList();
        await registry.SetModelAliasAsync(new SetModelAliasRequest { Name = "iris_model", Alias = "bench", Version = next });
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2) && !await RolledAsync("bench-roll", next))
        {
            await Task.Delay(100);
        }

        samples.Add("serve: rollout to a moved alias, under load", clock.Elapsed);
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        figures.Add(("serve: failed requests during the rollout", failed, $"of {ok + failed}, last answered by v{lastVersion}"));
        await registry.DeleteModelAliasAsync(new DeleteModelAliasRequest { Name = "iris_model", Alias = "bench" });
        await DeleteAsync("bench-roll");
    }

    private async Task<bool> RolledAsync(string name, int version)
    {
        var endpoint = (await _http.GetFromJsonAsync<JsonObject>($"/api/v1/endpoints/{name}"))!;
        var replicas = endpoint["replicas"]!.AsArray();
        return replicas.Count > 0 && replicas.All(r => r!["modelVersion"]!.GetValue<string>() == version.ToString(CultureInfo.InvariantCulture));
    }

    internal async Task PutAsync(string name, string version, int min, int max)
    {
        using var response = await _http.PutAsJsonAsync($"/api/v1/endpoints/{name}", new JsonObject
        {
            ["function"] = "predict", ["modelName"] = "iris_model", ["modelVersion"] = version, ["minReplicas"] = min, ["maxReplicas"] = max,
            ["idleSeconds"] = 3600,
        });
        var answer = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !(answer.Contains("ENDPOINT_STATE_READY", StringComparison.Ordinal) || answer.Contains("SCALED_TO_ZERO", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"endpoint {name} did not become ready: {answer}");
        }
    }

    internal async Task DeleteAsync(string name) => (await _http.DeleteAsync($"/api/v1/endpoints/{name}")).EnsureSuccessStatusCode();

    internal async Task PostAsync(string path, byte[] body)
    {
        using var response = await _http.PostAsync(path, Json(body));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        // Read whole, as a client does; decoded to text only when it explains a failure (this is the load loop).
        await response.Content.ReadAsByteArrayAsync();
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>The largest memory use of the endpoint's replica containers (the engine's own reading, cgroup-wide).</summary>
    private static async Task<double> ReplicaMemoryAsync(string endpoint)
    {
        var ids = await Engine.DockerAsync("ps", "-q", "--filter", $"label=mlops.endpoint={endpoint}");
        var largest = 0.0;
        foreach (var id in ids)
        {
            var usage = (await Engine.DockerAsync("stats", "--no-stream", "--format", "{{.MemUsage}}", id)).Single().Split('/')[0].Trim();
            var value = double.Parse(usage[..^3], CultureInfo.InvariantCulture);
            largest = Math.Max(largest, usage.EndsWith("GiB", StringComparison.Ordinal) ? value * 1024 : usage.EndsWith("KiB", StringComparison.Ordinal) ? value / 1024 : value);
        }

        return largest;
    }
}
