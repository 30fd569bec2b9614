using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mlops.Testing;

namespace Mlops.Benchmarks;

/// <summary>
/// The abuse run of issue 22, against the system as a user starts it, with its default limits: a developer key asks for
/// 100 endpoints of 64 replicas and 1,000 async invocations, 10,000 random bearer tokens knock, one replica never
/// answers and one answers a gigabyte — while a predictor's predictions on another endpoint and the health check are
/// timed throughout. Prints what each abuser got, how the bystanders fared, and what was left behind. The developer
/// and the token guesser call from 127.0.0.2, everyone else from 127.0.0.1: limits per client address hold them
/// apart as they would two machines.
/// </summary>
internal sealed class AbuseRun(AppHostProcess app, List<(string Name, double Value, string Unit)> figures)
{
    private const string Victim = "victim";
    private static readonly IPAddress Abusers = IPAddress.Parse("127.0.0.2");
    private static readonly byte[] Flower = Encoding.UTF8.GetBytes("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}""");

    private readonly HttpClient _admin = Client(app, app.AdminKey, TimeSpan.FromMinutes(10));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Console.WriteLine("abuse: training a model, deploying the bystanders' endpoint, making a developer's and a predictor's key...");
        await ExpectAsync(_admin.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "train" }, cancellationToken), "train");
        await PutEndpointAsync(_admin, Victim, "predict", replicas: 1, cancellationToken);
        using var developer = From(Abusers, await CreateKeyAsync("abuser", "developer", cancellationToken), TimeSpan.FromMinutes(10));
        using var predictor = Client(app, await CreateKeyAsync("bystander", "predictor", cancellationToken), TimeSpan.FromSeconds(30));
        var memoryBefore = ServiceMemory();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var bystanders = WatchBystandersAsync(predictor, stop.Token);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(
            ManyEndpointsAsync(developer, cancellationToken),
            ManyAsyncInvocationsAsync(developer, cancellationToken),
            RandomTokensAsync(cancellationToken),
            BrokenReplicaAsync("abuse-hangs", "replica-hangs", cancellationToken),
            BrokenReplicaAsync("abuse-floods", "replica-floods", cancellationToken));
        figures.Add(("abuse: all abusers done in", clock.Elapsed.TotalSeconds, "s"));
        await stop.CancelAsync();
        await bystanders;

        var memoryAfter = ServiceMemory();
        figures.Add(("abuse: runner RSS before / peak", memoryBefore.Runner, $"/ {memoryAfter.RunnerPeak:F1} MB"));
        figures.Add(("abuse: gateway RSS before / peak", memoryBefore.Gateway, $"/ {memoryAfter.GatewayPeak:F1} MB"));
        foreach (var name in new[] { Victim, "abuse-hangs", "abuse-floods" })
        {
            using var deleted = await _admin.DeleteAsync($"/api/v1/endpoints/{name}", cancellationToken);
        }
    }

    /// <summary>The developer asks for 100 endpoints of 64 replicas each, one after the other.</summary>
    private async Task ManyEndpointsAsync(HttpClient developer, CancellationToken cancellationToken)
    {
        var statuses = new List<HttpStatusCode>();
        var created = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var name = $"abuse-{i}";
            using var response = await developer.PutAsJsonAsync($"/api/v1/endpoints/{name}", EndpointBody("predict", 64), cancellationToken);
            statuses.Add(response.StatusCode);
            if (response.IsSuccessStatusCode)
            {
                created.Add(name);
            }
            else if (i == 0)
            {
                Console.WriteLine($"abuse: 100 endpoints of 64 replicas, the first answer: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        Report("100 endpoints of 64 replicas", statuses);
        var replicas = (await Engine.DockerAsync("ps", "-q", "--filter", $"label=mlops.runner={app.Instance}", "--filter", "label=mlops.replica")).Length;
        figures.Add(("abuse: replica containers running at the most asked", replicas, ""));
        foreach (var name in created)
        {
            using var deleted = await developer.DeleteAsync($"/api/v1/endpoints/{name}", cancellationToken);
        }
    }

    /// <summary>The developer fires 1,000 async invocations, 50 at a time, then waits for every accepted one to end.</summary>
    private async Task ManyAsyncInvocationsAsync(HttpClient developer, CancellationToken cancellationToken)
    {
        var statuses = new HttpStatusCode[1000];
        var accepted = new List<string>();
        await Parallel.ForAsync(0, statuses.Length, new ParallelOptions { MaxDegreeOfParallelism = 50, CancellationToken = cancellationToken }, async (i, token) =>
        {
            using var response = await developer.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "hello", ["async"] = true }, token);
            statuses[i] = response.StatusCode;
            if (response.StatusCode == HttpStatusCode.Accepted &&
                JsonNode.Parse(await response.Content.ReadAsStringAsync(token))?["invocation_id"]?.GetValue<string>() is { } id)
            {
                lock (accepted)
                {
                    accepted.Add(id);
                }
            }
        });
        Report("1,000 async invocations", statuses);

        var succeeded = 0;
        var refusedPolls = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        foreach (var id in accepted)
        {
            while (DateTime.UtcNow < deadline)
            {
                using var response = await developer.GetAsync($"/api/v1/invocations/{id}", cancellationToken);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    // The developer's own rate limits: wait as a client would.
                    refusedPolls++;
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellationToken);
                    continue;
                }

                var invocation = JsonNode.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync(cancellationToken));
                var status = invocation?["status"]?.GetValue<string>() ?? "";
                if (status is "INVOCATION_STATUS_SUCCEEDED")
                {
                    succeeded++;
                    break;
                }

                if (status is "INVOCATION_STATUS_FAILED" or "INVOCATION_STATUS_CANCELLED" or "INVOCATION_STATUS_TIMED_OUT" or "INVOCATION_STATUS_OOM_KILLED")
                {
                    Console.WriteLine($"abuse: accepted invocation {id} ended {status}");
                    break;
                }

                await Task.Delay(250, cancellationToken);
            }
        }

        figures.Add(("abuse: accepted async invocations that succeeded", succeeded, $"of {accepted.Count}"));
        figures.Add(("abuse: the developer's polls answered 429", refusedPolls, ""));
    }

    /// <summary>10,000 random bearer tokens, 64 at a time, each on a prediction with a body.</summary>
    private async Task RandomTokensAsync(CancellationToken cancellationToken)
    {
        var statuses = new HttpStatusCode[10_000];
        using var anonymous = From(Abusers, key: null, TimeSpan.FromSeconds(30));
        await Parallel.ForAsync(0, statuses.Length, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (i, token) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/endpoints/{Victim}/predict") { Content = Json(Flower) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "mlops_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
            try
            {
                using var response = await anonymous.SendAsync(request, token);
                statuses[i] = response.StatusCode;
            }
            catch (HttpRequestException)
            {
                // A connection the front door refused (its per-client connection limit) counts as refused.
                statuses[i] = 0;
            }
        });
        Report("10,000 random bearer tokens", statuses);
    }

    /// <summary>An endpoint whose replica hangs or floods; 20 predictions, 4 at a time, each timed.</summary>
    private async Task BrokenReplicaAsync(string endpoint, string function, CancellationToken cancellationToken)
    {
        if (!await PutEndpointAsync(_admin, endpoint, function, replicas: 1, cancellationToken))
        {
            return;
        }

        var statuses = new HttpStatusCode[20];
        var slowest = TimeSpan.Zero;
        await Parallel.ForAsync(0, statuses.Length, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await _admin.PostAsync($"/endpoints/{endpoint}/predict", Json(Flower), token);
                statuses[i] = response.StatusCode;
                await response.Content.ReadAsByteArrayAsync(token);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                statuses[i] = 0;
            }

            lock (statuses)
            {
                slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            }
        });
        Report($"{function}: 20 predictions", statuses);
        figures.Add(($"abuse: {function}, the slowest answer", slowest.TotalSeconds, "s"));
    }

    /// <summary>Every 200 ms until stopped: the front door's health, and one prediction with the predictor's key on the bystanders' endpoint.</summary>
    private async Task WatchBystandersAsync(HttpClient predictor, CancellationToken stop)
    {
        var latencies = new List<double>();
        int healthy = 0, unhealthy = 0, failed = 0;
        using var health = new HttpClient { BaseAddress = new Uri(app.FrontDoor), Timeout = TimeSpan.FromSeconds(30) };
        while (!stop.IsCancellationRequested)
        {
            using (var response = await health.GetAsync("/health", CancellationToken.None))
            {
                _ = response.StatusCode == HttpStatusCode.OK ? healthy++ : unhealthy++;
            }

            var clock = Stopwatch.StartNew();
            using (var response = await predictor.PostAsync($"/endpoints/{Victim}/predict", Json(Flower), CancellationToken.None))
            {
                await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                }
                else
                {
                    failed++;
                    Console.WriteLine($"abuse: the bystander's prediction failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                }
            }

            try
            {
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        latencies.Sort();
        figures.Add(("abuse: health checks 200 / not", healthy, $"/ {unhealthy}"));
        figures.Add(("abuse: bystander predictions answered / failed", latencies.Count, $"/ {failed}"));
        if (latencies.Count > 0)
        {
            figures.Add(("abuse: bystander prediction median", latencies[latencies.Count / 2], "ms"));
            figures.Add(("abuse: bystander prediction p99", latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))], "ms"));
            figures.Add(("abuse: bystander prediction max", latencies[^1], "ms"));
            figures.Add(("abuse: bystander predictions within 50 ms", 100.0 * latencies.Count(l => l <= 50) / latencies.Count, "%"));
        }
    }

    private void Report(string abuse, IEnumerable<HttpStatusCode> statuses)
    {
        var counts = statuses.GroupBy(s => (int)s).OrderBy(g => g.Key).Select(g => string.Create(CultureInfo.InvariantCulture, $"{(g.Key == 0 ? "refused" : g.Key.ToString(CultureInfo.InvariantCulture))}: {g.Count()}"));
        Console.WriteLine($"abuse: {abuse} -> {string.Join(", ", counts)}");
        foreach (var group in statuses.GroupBy(s => (int)s))
        {
            figures.Add(($"abuse: {abuse}, answered {(group.Key == 0 ? "refused" : group.Key.ToString(CultureInfo.InvariantCulture))}", group.Count(), ""));
        }
    }

    private async Task<bool> PutEndpointAsync(HttpClient client, string name, string function, int replicas, CancellationToken cancellationToken)
    {
        using var response = await client.PutAsJsonAsync($"/api/v1/endpoints/{name}", EndpointBody(function, replicas), cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || !answer.Contains("ENDPOINT_STATE_READY", StringComparison.Ordinal))
        {
            Console.WriteLine($"abuse: endpoint {name} ({function}) did not become ready: {(int)response.StatusCode} {answer}");
            return false;
        }

        return true;
    }

    private static JsonObject EndpointBody(string function, int replicas) => new()
    {
        ["function"] = function, ["modelName"] = "iris_model", ["modelVersion"] = "latest", ["minReplicas"] = replicas, ["maxReplicas"] = replicas, ["idleSeconds"] = 3600,
    };

    private async Task<string> CreateKeyAsync(string name, string role, CancellationToken cancellationToken)
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/keys", new JsonObject { ["name"] = name, ["role"] = role }, cancellationToken);
        var created = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        return created?["secret"]?.GetValue<string>() ?? throw new InvalidOperationException("no secret in the created key");
    }

    private (double Runner, double RunnerPeak, double Gateway, double GatewayPeak) ServiceMemory()
    {
        var runner = Engine.Memory(app.RunnerProcessId ?? throw new InvalidOperationException("no runner process"));
        var gateway = Engine.Memory(app.ProcessIdOf("gateway") ?? throw new InvalidOperationException("no gateway process"));
        return (runner.Rss, runner.Peak, gateway.Rss, gateway.Peak);
    }

    private static async Task ExpectAsync(Task<HttpResponseMessage> call, string what)
    {
        using var response = await call;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static HttpClient Client(AppHostProcess app, string key, TimeSpan timeout) =>
        BearerHandler.Client(app.FrontDoor, key, timeout);

    /// <summary>A client of the front door whose connections come from <paramref name="local"/> (any 127.x address is this machine).</summary>
    private HttpClient From(IPAddress local, string? key, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 64,
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(app.FrontDoor), Timeout = timeout };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static ByteArrayContent Json(byte[] body) =>
        new(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
}
