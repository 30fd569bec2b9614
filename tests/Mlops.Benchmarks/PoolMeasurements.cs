using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Docker.DotNet;
using Mlops.V1;

namespace Mlops.Benchmarks;

/// <summary>
/// Issue 25's warm pool, pooled and cold side by side in one run: hello and predict as the repository declares them
/// (pooled) against copies of the same files without their pool block (hello-cold, predict-cold), called in turn
/// over REST through NGINX, so that a machine getting busier or quieter moves both alike. POST /invoke's answer does
/// not say whether a call was pooled: the runner's history does, and misses are counted, not dropped from the rows.
/// </summary>
internal sealed class PoolMeasurements(string instance, Runner.RunnerClient runner, Measurements measure, Samples samples, bool quick)
{
    private const string Hello = PoolCopies.Hello;
    private const string Predict = PoolCopies.Predict;
    private static readonly JsonObject Flower = new() { ["features"] = new JsonArray(5.1, 3.5, 1.4, 0.2) };

    /// <summary>How long a sample waits for the pool to have a ready container; past it, the call goes on (and may be a miss).</summary>
    private static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(30);

    private readonly List<(string Name, double Value, string Unit)> _figures = measure.Figures;
    private int _unsettled;

    /// <summary>Builds the four functions (a cache hit for any built already); the runner would build on the first call otherwise, inside a row.</summary>
    public async Task BuildAsync()
    {
        foreach (var function in new[] { Hello, Predict, PoolCopies.Cold(Hello), PoolCopies.Cold(Predict) })
        {
            await measure.BuildAsync(function);
        }
    }

    /// <summary>
    /// The images the runner has for hello and predict now, whichever mode built them (a row, an endpoint): made from a
    /// function.json the repository does not have, they would push its real ones out of the runner's few kept per
    /// function. The -cold images are kept for the next run: under their own names they push nothing out.
    /// </summary>
    public async Task<IReadOnlyList<string>> PooledCopiesImagesAsync(CancellationToken cancellationToken) =>
        (await runner.GetStatusAsync(new GetStatusRequest(), cancellationToken: cancellationToken)).Functions
        .Where(f => PoolCopies.IsPooled(f.Name) && f.ImageBuilt)
        .Select(f => f.Image)
        .ToList();

    /// <summary>The rows and figures; predict needs a registered model by now.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var pairs = quick ? 3 : 100;
        var total = quick ? 4 : 40;
        var concurrency = quick ? 2 : 8;
        using var engine = new PooledContainers(instance);

        Console.WriteLine($"pool: {pairs} calls of hello and of hello-cold in turn...");
        var lastHello = await LatencyAsync(Hello, "hello (trivial)", new JsonObject(), pairs, cancellationToken);
        await MemoryAsync(Hello, engine, cancellationToken);
        // Measured while predict's rows run: its idle time counts from its own last call.
        var helloDrain = DrainAsync(Hello, lastHello, engine, cancellationToken);

        Console.WriteLine($"pool: {pairs} calls of predict and of predict-cold in turn...");
        await LatencyAsync(Predict, "predict (one flower)", Flower, pairs, cancellationToken);
        await MemoryAsync(Predict, engine, cancellationToken);

        Console.WriteLine($"pool: {total} predicts at concurrency {concurrency}, pooled, then cold...");
        var predictDrain = await ThroughputAsync(total, concurrency, engine, cancellationToken);
        var drains = await Task.WhenAll(helloDrain, predictDrain);
        _figures.AddRange(drains);
        _figures.Add(("pool: containers left after the pools emptied (any of the runner's)", await Engine.LeakedContainersAsync(instance), ""));
        if (_unsettled > 0)
        {
            _figures.Add(($"pool: samples that found no ready container within {SettleBound.TotalSeconds} s", _unsettled, ""));
        }
    }

    /// <summary>One call of the pooled function, then one of its cold copy, <paramref name="pairs"/> times; when the last pooled call was made.</summary>
    private async Task<long> LatencyAsync(string function, string label, JsonObject parameters, int pairs, CancellationToken cancellationToken)
    {
        // A function's pool is made at its first invocation (a miss), and an image's first start reads its layers from disk.
        await measure.InvokeRestAsync(function, parameters);
        await measure.InvokeRestAsync(PoolCopies.Cold(function), parameters);
        var last = 0L;
        for (var i = 0; i < pairs; i++)
        {
            // Steady state at a modest rate (one call at a time): each call, pooled or cold, starts with a ready container
            // in the pool and no refill under way, so neither shares the cores with a container the pool is starting for
            // the call before. The pooled call's own refill, which it starts, is part of what it costs.
            await SettledAsync(function, cancellationToken);
            last = Stopwatch.GetTimestamp();
            var clock = Stopwatch.StartNew();
            await measure.InvokeRestAsync(function, parameters);
            samples.Add($"{label}, REST via NGINX, pooled", clock.Elapsed);

            await SettledAsync(function, cancellationToken);
            clock.Restart();
            await measure.InvokeRestAsync(PoolCopies.Cold(function), parameters);
            samples.Add($"{label}, REST via NGINX, cold", clock.Elapsed);
        }

        var pooled = await NewestAsync(function, pairs, cancellationToken);
        _figures.Add(($"{label}, REST via NGINX, pooled: misses (started cold)", pooled.Count(i => !i.Pooled), $"of {pairs}"));
        AddPhases($"{label}, pooled", pooled);
        AddPhases($"{label}, cold", await NewestAsync(PoolCopies.Cold(function), pairs, cancellationToken));
        return last;
    }

    /// <summary>
    /// <paramref name="total"/> predicts at once by <paramref name="concurrency"/> clients, pooled then cold, with no wait
    /// between calls; the watch of predict's pool emptying, from the last pooled call on.
    /// </summary>
    private async Task<Task<(string, double, string)>> ThroughputAsync(int total, int concurrency, PooledContainers engine, CancellationToken cancellationToken)
    {
        var name = $"predict x{total} at concurrency {concurrency}";
        var start = await SettledAsync(Predict, cancellationToken);
        _figures.Add(($"{name}, pooled: ready containers at its start", start?.Ready ?? 0, ""));
        var last = 0L;
        var cpu = Engine.CpuTimes();
        var pooledRate = await measure.ThroughputAsync($"{name}, pooled", total, concurrency, () =>
        {
            Interlocked.Exchange(ref last, Stopwatch.GetTimestamp());
            return measure.InvokeRestAsync(Predict, Flower);
        });
        _figures.Add(($"{name}, pooled: the machine's CPU busy", Engine.BusyPercentSince(cpu), "%"));
        var drain = DrainAsync(Predict, last, engine, cancellationToken);
        var pooled = await NewestAsync(Predict, total, cancellationToken);
        _figures.Add(($"{name}, pooled: calls a ready container took", pooled.Count(i => i.Pooled), $"of {total}"));
        AddPhases($"{name}, pooled", pooled);

        // The pool's refills after the burst must not share the cores with the cold one.
        await SettledAsync(Predict, cancellationToken);
        cpu = Engine.CpuTimes();
        var coldRate = await measure.ThroughputAsync($"{name}, cold", total, concurrency, () => measure.InvokeRestAsync(PoolCopies.Cold(Predict), Flower));
        _figures.Add(($"{name}, cold: the machine's CPU busy", Engine.BusyPercentSince(cpu), "%"));
        AddPhases($"{name}, cold", await NewestAsync(PoolCopies.Cold(Predict), total, cancellationToken));
        _figures.Add(($"{name}, pooled / cold throughput", pooledRate / coldRate, "x"));
        return drain;
    }

    private void AddPhases(string name, IReadOnlyList<Invocation> batch) => RunnerHistory.AddPhases(_figures, name, batch);

    /// <summary>
    /// The memory of the function's idle pooled containers, once the pool has stopped filling and the engine runs
    /// exactly its ready ones (the one the last call claimed has gone): the median of them, as <c>docker stats</c> shows it.
    /// </summary>
    private async Task MemoryAsync(string function, PooledContainers engine, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        for (var deadline = DateTime.UtcNow + SettleBound; DateTime.UtcNow < deadline && ids.Count == 0; await Task.Delay(100, cancellationToken))
        {
            var pool = await PoolAsync(function, cancellationToken);
            var running = await engine.ListAsync(function, runningOnly: true, cancellationToken);
            if (pool is { Ready: >= 1, Starting: 0 } && running.Count == pool.Ready)
            {
                ids.AddRange(running.Select(c => c.ID));
            }
        }

        var readings = new List<PooledContainers.ContainerMemory>();
        foreach (var id in ids)
        {
            // Null, or not found: retired by the pool (it shrinks as the calls' rate falls) between the listing and the reading.
            try
            {
                if (await engine.MemoryAsync(id, cancellationToken) is { } reading)
                {
                    readings.Add(reading);
                    continue;
                }
            }
            catch (DockerContainerNotFoundException)
            {
            }

            Console.WriteLine($"pool: {function}'s pooled container {id[..12]} went before its memory was read");
        }

        if (readings.Count == 0)
        {
            Console.WriteLine($"pool: no idle pooled {function} container to read the memory of");
            return;
        }

        var median = readings.OrderBy(r => r.Used).ElementAt(readings.Count / 2);
        _figures.Add(($"pool: memory of one idle pooled {function} container (docker stats, median of {readings.Count})", median.Used, "MB"));
        _figures.Add(("pool:   of which anonymous (the waiting processes' own)", median.Anonymous, "MB"));
        _figures.Add(($"pool:   its {median.Processes} processes' RSS (the image's mapped files included)", median.Rss, "MB"));
        _figures.Add(($"pool:   its {median.Processes} processes' PSS (shared pages split among their users)", median.Pss, "MB"));
    }

    /// <summary>
    /// Seconds from <paramref name="lastCall"/> (when the client made it; the runner's idle time counts from its claim,
    /// after any wait in the runner's queue) until the function has no pooled container on the engine and the runner
    /// keeps no pool for it (between a claim and its refill's container the engine alone can show none); bounded.
    /// </summary>
    private async Task<(string Name, double Value, string Unit)> DrainAsync(string function, long lastCall, PooledContainers engine, CancellationToken cancellationToken)
    {
        var idle = PoolCopies.IdleSeconds;
        var bound = TimeSpan.FromSeconds(idle + 60);
        var seen = "";
        while (Stopwatch.GetElapsedTime(lastCall) < bound)
        {
            var containers = await engine.ListAsync(function, runningOnly: false, cancellationToken);
            var pool = await PoolAsync(function, cancellationToken);
            if (containers.Count == 0 && pool is null or { Target: 0, Ready: 0, Starting: 0 })
            {
                return ($"pool: {function}'s pool empty again after its last call (idleSeconds {idle})", Stopwatch.GetElapsedTime(lastCall).TotalSeconds, "s");
            }

            // Its course, in the output: whether the pool shrinks at its idle time, and what takes longer if anything does.
            var now = $"target {pool?.Target}, ready {pool?.Ready}, starting {pool?.Starting}; on the engine {string.Join(", ", containers.GroupBy(c => c.State).Select(g => $"{g.Count()} {g.Key}"))}";
            if (now != seen)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pool: {function}, {Stopwatch.GetElapsedTime(lastCall).TotalSeconds:F1} s after its last call: {now}"));
                seen = now;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        var left = (await engine.ListAsync(function, runningOnly: false, cancellationToken)).Count;
        return ($"pool: {function}'s pooled containers still there {bound.TotalSeconds} s after its last call (idleSeconds {idle})", left, "");
    }

    /// <summary>The pool once it has a ready container and starts none (bounded by <see cref="SettleBound"/>; counted when it runs out).</summary>
    private async Task<PoolStatus?> SettledAsync(string function, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + SettleBound;
        while (true)
        {
            var pool = await PoolAsync(function, cancellationToken);
            if (pool is { Ready: >= 1, Starting: 0 })
            {
                return pool;
            }

            if (DateTime.UtcNow >= deadline)
            {
                _unsettled++;
                return pool;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    private async Task<PoolStatus?> PoolAsync(string function, CancellationToken cancellationToken) =>
        (await runner.GetStatusAsync(new GetStatusRequest(), cancellationToken: cancellationToken)).Functions.FirstOrDefault(f => f.Name == function)?.Pool;

    private Task<IReadOnlyList<Invocation>> NewestAsync(string function, int count, CancellationToken cancellationToken) =>
        RunnerHistory.NewestAsync(runner, function, count, cancellationToken);
}
