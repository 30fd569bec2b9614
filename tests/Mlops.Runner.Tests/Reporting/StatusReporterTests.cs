using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Capacity;
using Mlops.Runner.Containers;
using Mlops.Runner.Functions;
using Mlops.Runner.Grpc;
using Mlops.Runner.Invocations;
using Mlops.Runner.Invocations.Pooling;
using Mlops.Runner.Registry;
using Mlops.Runner.Registry.Embedded;
using Mlops.Runner.Reporting;
using Mlops.Runner.Tests.Fakes;

namespace Mlops.Runner.Tests.Reporting;

public sealed class StatusReporterTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-status-test-");
    private readonly FakeContainerEngine _engine = new();
    private readonly FakeImageResolver _images = new();
    private readonly StatusReporter _reporter;

    public StatusReporterTests()
    {
        var functions = Directory.CreateDirectory(Path.Combine(_root.FullName, "functions")).FullName;
        Write(functions, "work", """{"timeoutSeconds": 30}""");
        Write(functions, "nodockerfile", """{"timeoutSeconds": 30}""");
        Write(functions, "broken", "{ not json");
        var options = Options.Create(new RunnerOptions
        {
            FunctionsPath = functions,
            DataPath = Path.Combine(_root.FullName, "data"),
            MaxConcurrentInvocations = 3,
            MaxQueueLength = 7,
        });
        var capacity = TestOptions.Capacity(containers: 5, memoryMb: 4096, invocationsPerKey: 9);
        var budget = new CapacityBudget(capacity);
        var catalog = new FunctionCatalog(options);
        var registry = new EmbeddedRegistry(Path.Combine(_root.FullName, "registry"));
        var time = TimeProvider.System;
        var pool = new WarmPool(
            new FunctionRuntime(_engine, new LiveContainers(), Options.Create(new ContainerOptions()), time, NullLogger<FunctionContainer>.Instance),
            new Workspaces(options, NullLogger<Workspace>.Instance),
            new ModelBinder(registry, new ModelCache(registry, new ModelDigests(options), options, time, NullLogger<ModelCache>.Instance), catalog),
            budget, Options.Create(new PoolOptions()), options, time, NullLogger<WarmPool>.Instance);
        _reporter = new StatusReporter(
            _engine, catalog, _images, TestOptions.Gate(options, capacity), budget, registry, new TrainingOutbox(options), pool, options, capacity);
    }

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task ReportAsync_EngineAnswers_DescribesEachFunctionsImage()
    {
        _images.Unbuildable["nodockerfile"] = RunnerException.FailedPrecondition("function 'nodockerfile' has no Dockerfile");

        var report = await _reporter.ReportAsync(CancellationToken.None);

        Assert.Equal((new EngineVersion("fake 1.0", "1.41"), (string?)null), (report.Engine.Version, report.Engine.Error));
        var byName = report.Functions.ToDictionary(f => f.Name);
        Assert.Equal(["broken", "nodockerfile", "work"], byName.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new FunctionReport("work", null, "mlops.test/work:0123456789abcdef", ImageBuilt: true), byName["work"]);
        Assert.Equal(new FunctionReport("nodockerfile", "function 'nodockerfile' has no Dockerfile", null, ImageBuilt: false), byName["nodockerfile"]);
        Assert.NotNull(byName["broken"].Error);
        Assert.Null(byName["broken"].Image);
    }

    [Fact]
    public async Task ReportAsync_EngineUnreachable_ListsTheFunctionsWithoutImagesAndSaysWhy()
    {
        _engine.VersionFailure = new RunnerException(ErrorKind.Unavailable, "the Docker engine at fake://engine is not reachable");

        var report = await _reporter.ReportAsync(CancellationToken.None);

        Assert.Equal((null, "the Docker engine at fake://engine is not reachable"), (report.Engine.Version, report.Engine.Error));
        Assert.Equal(["broken", "nodockerfile", "work"], report.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(report.Functions, function => Assert.Null(function.Image));
        Assert.Null(report.Functions.Single(f => f.Name == "work").Error);
    }

    [Fact]
    public async Task ReportAsync_Always_SaysTheQueueCapacityAndTrackingBackend()
    {
        var report = await _reporter.ReportAsync(CancellationToken.None);

        Assert.Equal(("embedded", 0, 0, 0, 3, 7), (report.RegistryBackend, report.OutboxTrainings, report.RunningInvocations, report.QueuedInvocations, report.MaxConcurrentInvocations, report.MaxQueueLength));
        Assert.Equal((5, 4096L, 9), (report.Capacity.ContainerLimit, report.Capacity.MemoryLimitMb, report.Quotas.InvocationsPerKey));
    }

    [Fact]
    public async Task ToProto_EngineUnreachable_FillsTheSameWireFieldsAsBefore()
    {
        _engine.VersionFailure = new RunnerException(ErrorKind.Unavailable, "the Docker engine at fake://engine is not reachable");

        var status = StatusMapper.ToProto(await _reporter.ReportAsync(CancellationToken.None));

        Assert.Equal(("", "", "the Docker engine at fake://engine is not reachable"), (status.DockerVersion, status.DockerApiVersion, status.DockerError));
        Assert.Equal((3, 7, 5, 9), (status.MaxConcurrentInvocations, status.MaxQueueLength, status.Capacity.ContainersLimit, status.Capacity.InvocationsPerKey));
        var work = status.Functions.Single(f => f.Name == "work");
        Assert.Equal(("", false, ""), (work.Image, work.ImageBuilt, work.ManifestError));
    }

    [Fact]
    public async Task ToProto_EngineAnswers_SaysItsVersions()
    {
        var status = StatusMapper.ToProto(await _reporter.ReportAsync(CancellationToken.None));

        Assert.Equal(("fake 1.0", "1.41", ""), (status.DockerVersion, status.DockerApiVersion, status.DockerError));
        Assert.True(status.Functions.Single(f => f.Name == "work").ImageBuilt);
    }

    private static void Write(string functions, string name, string manifest)
    {
        var folder = Directory.CreateDirectory(Path.Combine(functions, name)).FullName;
        File.WriteAllText(Path.Combine(folder, FunctionManifest.FileName), manifest);
    }
}
