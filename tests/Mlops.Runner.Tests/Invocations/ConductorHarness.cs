using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Functions;
using Mlops.Runner.Capacity;
using Mlops.Runner.Invocations;
using Mlops.Runner.Invocations.Pooling;
using Mlops.Runner.Registry;
using Mlops.Runner.Registry.Embedded;
using Mlops.Runner.Tests.Fakes;

namespace Mlops.Runner.Tests.Invocations;

/// <summary>
/// The real conductor with fakes at its seams (engine, images, run recorder) and everything else real, in a
/// temp folder: catalog, validation, admission, journal, workspaces, the container handle and its teardown.
/// </summary>
internal sealed class ConductorHarness : IAsyncDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-conductor-test-");

    public ConductorHarness(int timeoutSeconds = 30, int minFreeDiskMb = 0)
    {
        var functions = Directory.CreateDirectory(Path.Combine(_root.FullName, "functions")).FullName;
        Write(functions, "work", """{"timeoutSeconds": T, "parameters": {"count": {"type": "integer", "minimum": 1, "default": 1}}}""".Replace("T", $"{timeoutSeconds}"));
        Write(functions, "trainer", """{"timeoutSeconds": T, "model": {"produces": true, "name": "test_model"}}""".Replace("T", $"{timeoutSeconds}"));

        var options = Options.Create(new RunnerOptions
        {
            FunctionsPath = functions,
            LogsPath = Path.Combine(_root.FullName, "logs"),
            DataPath = Path.Combine(_root.FullName, "data"),
            MaxConcurrentInvocations = 2,
            MaxQueueLength = 2,
            MinFreeDiskMb = minFreeDiskMb,
        });
        var time = TimeProvider.System;
        var catalog = new FunctionCatalog(options);
        var registry = Registry = new EmbeddedRegistry(Path.Combine(_root.FullName, "registry"));
        var containerOptions = Options.Create(new ContainerOptions { TeardownBackoffMilliseconds = 1, MaxLogMb = 1, MaxOutputMb = 1, MaxOutputFiles = 50 });

        Store = new InvocationStore(options, NullLogger<InvocationStore>.Instance);
        Runtime = new FunctionRuntime(Engine, Live, containerOptions, time, NullLogger<FunctionContainer>.Instance);
        var models = new ModelBinder(registry, new ModelCache(registry, new ModelDigests(options), options, time, NullLogger<ModelCache>.Instance), catalog);
        var workspaces = new Workspaces(options, NullLogger<Workspace>.Instance);
        var preparation = new InvocationPreparation(Images, models, workspaces, time);
        Pool = new WarmPool(
            Runtime, workspaces, models, new CapacityBudget(Options.Create(new CapacityOptions())), Options.Create(new PoolOptions()), options, time, NullLogger<WarmPool>.Instance);
        var callbacks = new InvocationCallbacks(new PlainHttpClients(), options, NullLogger<InvocationCallbacks>.Instance);
        Conductor = new InvocationConductor(
            new InvocationAdmission(catalog, new DiskGuard(options), models, TestOptions.Gate(options), callbacks),
            new InvocationJournal(Store, Feeds, options, time, NullLogger<LiveInvocation>.Instance),
            preparation,
            new InvocationContainers(Runtime, Pool, preparation, models, containerOptions, time),
            new InvocationCompletion(new TrainingRegistrar(Recorder, Outbox = new TrainingOutbox(options), containerOptions), callbacks, containerOptions),
            Detached);
        Watch = new InvocationWatch(Store, Feeds, time);
    }

    public FakeContainerEngine Engine { get; } = new();

    public DetachedInvocations Detached { get; } = new(new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance));

    public TrainingOutbox Outbox { get; }

    public InvocationFeeds Feeds { get; } = new();

    public InvocationWatch Watch { get; }

    public EmbeddedRegistry Registry { get; }

    public FakeImageResolver Images { get; } = new();

    public FakeRunRecorder Recorder { get; } = new();

    public LiveContainers Live { get; } = new();

    public InvocationStore Store { get; }

    public FunctionRuntime Runtime { get; }

    public WarmPool Pool { get; }

    public InvocationConductor Conductor { get; }

    public string DataDirectory => Path.Combine(_root.FullName, "data");

    /// <summary>How long an invocation against the fakes may take before its test fails instead of hanging.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Every event until the stream ends, and the error it ended with, if any.</summary>
    public async Task<(List<InvocationEvent> Events, RunnerException? Error)> InvokeAsync(
        string function, JsonObject? parameters = null, CancellationToken cancellationToken = default)
    {
        var events = new List<InvocationEvent>();
        try
        {
            await ReadAllAsync().WaitAsync(Bound);
            return (events, null);
        }
        catch (RunnerException ex)
        {
            return (events, ex);
        }

        async Task ReadAllAsync()
        {
            await foreach (var item in Conductor.InvokeAsync(function, parameters ?? [], cancellationToken).WithCancellation(CancellationToken.None))
            {
                events.Add(item);
            }
        }
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds: for what a detached run does after its caller left.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow + Bound; !condition(); await Task.Delay(20))
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
        }
    }

    /// <summary>The event kinds in order, with the runs of log lines kept: the shape of the story.</summary>
    public static string[] Kinds(IEnumerable<InvocationEvent> events) => events.Select(e => e.GetType().Name.Replace("Invocation", "")).ToArray();

    /// <summary>Detached runs (a training whose caller left) end first: they still write into the folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await Detached.StopAsync(CancellationToken.None).WaitAsync(Bound);
        await Pool.StopAsync(CancellationToken.None).WaitAsync(Bound);
        Pool.Dispose();
        _root.Delete(recursive: true);
    }

    private static void Write(string functions, string name, string manifest)
    {
        var folder = Directory.CreateDirectory(Path.Combine(functions, name)).FullName;
        File.WriteAllText(Path.Combine(folder, FunctionManifest.FileName), manifest);
    }
}

/// <summary>Callbacks in unit tests go to a loopback listener of the test's own, with a plain client.</summary>
internal sealed class PlainHttpClients : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new();
}
