using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Grpc;
using Mlops.Runner.Registry;
using Mlops.Runner.Tests.Fakes;
using V1 = Mlops.V1;

namespace Mlops.Runner.Tests.Registry;

/// <summary>What every registry backend must do; run against each backend in <see cref="RegistryBackend.Names"/>.</summary>
public sealed class RegistryContractTests
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Backends => RegistryBackend.Names();

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task CreateRun_IsRunningWithItsTags(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var experiment = RegistryBackend.Unique("exp");

        var run = await registry.Registry.CreateRunAsync(experiment, "train-1", Start, new Dictionary<string, string> { ["mlops.invocation_id"] = "abc" }, CancellationToken.None);
        var read = await registry.Registry.GetRunAsync(run.Id, CancellationToken.None);

        Assert.Equal(RunStatus.Running, read.Status);
        Assert.Equal(experiment, read.Experiment);
        Assert.Equal(Start, read.StartTime);
        Assert.Null(read.EndTime);
        Assert.Equal("abc", read.Tags["mlops.invocation_id"]);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task FindRunsByTag_FindsOnlyTheRunsOfThatExperimentWithThatValue(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var experiment = RegistryBackend.Unique("exp");
        var tagged = await registry.Registry.CreateRunAsync(experiment, "a", Start, new Dictionary<string, string> { ["mlops.invocation_id"] = "abc" }, CancellationToken.None);
        await registry.Registry.CreateRunAsync(experiment, "b", Start, new Dictionary<string, string> { ["mlops.invocation_id"] = "abd" }, CancellationToken.None);
        await registry.Registry.CreateRunAsync(RegistryBackend.Unique("other"), "c", Start, new Dictionary<string, string> { ["mlops.invocation_id"] = "abc" }, CancellationToken.None);

        var found = await registry.Registry.FindRunsByTagAsync(experiment, "mlops.invocation_id", "abc", CancellationToken.None);

        Assert.Equal(tagged.Id, Assert.Single(found).Id);
        Assert.Empty(await registry.Registry.FindRunsByTagAsync(RegistryBackend.Unique("none"), "mlops.invocation_id", "abc", CancellationToken.None));
        Assert.Throws<RunnerException>(() => registry.Registry.FindRunsByTagAsync(experiment, "mlops.invocation_id", "x' OR '1'='1", CancellationToken.None).GetAwaiter().GetResult());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Log_ParamsAndMetrics_AreReadBack_AndAParamCannotChange(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var run = await registry.Registry.CreateRunAsync(RegistryBackend.Unique("exp"), "r", Start, NoTags, CancellationToken.None);

        await registry.Registry.LogAsync(run.Id, new Dictionary<string, string> { ["seed"] = "42" }, new Dictionary<string, double> { ["accuracy"] = 0.9 }, Start, CancellationToken.None);
        await registry.Registry.LogAsync(run.Id, new Dictionary<string, string> { ["seed"] = "42" }, new Dictionary<string, double> { ["accuracy"] = 0.95 }, Start.AddSeconds(1), CancellationToken.None);
        var changed = await Assert.ThrowsAsync<RunnerException>(() =>
            registry.Registry.LogAsync(run.Id, new Dictionary<string, string> { ["seed"] = "7" }, new Dictionary<string, double>(), Start, CancellationToken.None));

        var read = await registry.Registry.GetRunAsync(run.Id, CancellationToken.None);
        Assert.Equal("42", read.Params["seed"]);
        Assert.Equal(0.95, read.Metrics["accuracy"]);
        Assert.Equal(ErrorKind.InvalidArgument, changed.Kind);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task FinishRun_SetsStatusAndEndTime_AndListRunsIsNewestFirst(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var experiment = RegistryBackend.Unique("exp");
        var first = await registry.Registry.CreateRunAsync(experiment, "first", Start, NoTags, CancellationToken.None);
        var second = await registry.Registry.CreateRunAsync(experiment, "second", Start.AddMinutes(1), NoTags, CancellationToken.None);

        await registry.Registry.FinishRunAsync(first.Id, RunStatus.Failed, Start.AddSeconds(30), CancellationToken.None);

        var runs = await registry.Registry.ListRunsAsync(experiment, 10, CancellationToken.None);
        Assert.Equal([second.Id, first.Id], runs.Select(r => r.Id));
        Assert.Equal((RunStatus.Failed, Start.AddSeconds(30)), (runs[1].Status, runs[1].EndTime));
        Assert.Single(await registry.Registry.ListRunsAsync(experiment, 1, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Artifacts_AreListedAndDownloadedByteForByte(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var run = await registry.Registry.CreateRunAsync(RegistryBackend.Unique("exp"), "r", Start, NoTags, CancellationToken.None);
        var model = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();

        await registry.Registry.UploadArtifactAsync(run.Id, "model/model.zip", new MemoryStream(model), CancellationToken.None);
        await registry.Registry.UploadArtifactAsync(run.Id, "model/meta/model.json", new MemoryStream("{}"u8.ToArray()), CancellationToken.None);
        await registry.Registry.UploadArtifactAsync(run.Id, "result.json", new MemoryStream(Encoding.UTF8.GetBytes("{\"metrics\":{}}")), CancellationToken.None);

        Assert.Equal(["model/meta/model.json", "model/model.zip"], await registry.Registry.ListArtifactsAsync(run.Id, "model", CancellationToken.None));
        Assert.Equal(3, (await registry.Registry.ListArtifactsAsync(run.Id, "", CancellationToken.None)).Count);
        using var downloaded = new MemoryStream();
        await registry.Registry.DownloadArtifactAsync(run.Id, "model/model.zip", downloaded, CancellationToken.None);
        Assert.Equal(model, downloaded.ToArray());
        var missing = await Assert.ThrowsAsync<RunnerException>(() => registry.Registry.DownloadArtifactAsync(run.Id, "model/none.bin", new MemoryStream(), CancellationToken.None));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task CreateModelVersion_NumbersVersionsFromOne_NewestFirst(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var model = RegistryBackend.Unique("model");
        var run = await registry.Registry.CreateRunAsync(RegistryBackend.Unique("exp"), "r", Start, NoTags, CancellationToken.None);

        var first = await registry.Registry.CreateModelVersionAsync(model, run.Id, "model", CancellationToken.None);
        var second = await registry.Registry.CreateModelVersionAsync(model, run.Id, "model", CancellationToken.None);

        Assert.Equal((1, 2), (first.Version, second.Version));
        Assert.Equal((run.Id, "model"), (second.RunId, second.ArtifactPath));
        Assert.Equal($"models:/{model}/2", second.Uri);
        Assert.Equal([2, 1], (await registry.Registry.ListVersionsAsync(model, CancellationToken.None)).Select(v => v.Version));
        Assert.Equal(2, (await registry.Registry.GetModelAsync(model, CancellationToken.None)).LatestVersion);
        Assert.Contains(await registry.Registry.ListModelsAsync(CancellationToken.None), m => m.Name == model);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task CreateModelVersion_TenAtOnce_GetOneToTenWithNoneLostOrRepeated(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var model = RegistryBackend.Unique("model");
        var runs = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            registry.Registry.CreateRunAsync(RegistryBackend.Unique("exp"), $"r{i}", Start, NoTags, CancellationToken.None)));

        var versions = await Task.WhenAll(runs.Select(run => Task.Run(() => registry.Registry.CreateModelVersionAsync(model, run.Id, "model", CancellationToken.None))));

        Assert.Equal(Enumerable.Range(1, 10), versions.Select(v => v.Version).Order());
        Assert.Equal(runs.Select(r => r.Id).Order(), versions.Select(v => v.RunId).Order());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Aliases_PointAtAVersion_MoveAndGo(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var model = await ModelWithVersionsAsync(registry.Registry, 2);

        await registry.Registry.SetAliasAsync(model, "champion", 1, CancellationToken.None);
        var byAlias = await registry.Registry.GetVersionByAliasAsync(model, "champion", CancellationToken.None);
        Assert.Equal(1, byAlias.Version);
        Assert.Equal(["champion"], byAlias.Aliases);
        Assert.Equal(1, (await registry.Registry.GetModelAsync(model, CancellationToken.None)).Aliases["champion"]);

        await registry.Registry.SetAliasAsync(model, "champion", 2, CancellationToken.None);
        Assert.Equal(2, (await registry.Registry.GetVersionByAliasAsync(model, "champion", CancellationToken.None)).Version);

        await registry.Registry.DeleteAliasAsync(model, "champion", CancellationToken.None);
        var gone = await Assert.ThrowsAsync<RunnerException>(() => registry.Registry.GetVersionByAliasAsync(model, "champion", CancellationToken.None));
        Assert.Equal(ErrorKind.NotFound, gone.Kind);
        Assert.Contains("@champion", gone.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task SetModelAlias_AnswersTheVersionWithItsRunsMetrics_AsListingVersionsDoes(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var model = RegistryBackend.Unique("model");
        var run = await registry.Registry.CreateRunAsync(RegistryBackend.Unique("exp"), "r", Start, NoTags, CancellationToken.None);
        await registry.Registry.LogAsync(run.Id, new Dictionary<string, string>(), new Dictionary<string, double> { ["accuracy"] = 0.93, ["log_loss"] = 0.21 }, Start, CancellationToken.None);
        await registry.Registry.CreateModelVersionAsync(model, run.Id, "model", CancellationToken.None);
        var service = new RegistryService(registry.Registry, new ModelVersions(registry.Registry));

        var set = await service.SetModelAlias(new V1.SetModelAliasRequest { Name = model, Alias = "champion", Version = 1 }, new FakeServerCallContext());
        var listed = await service.ListModelVersions(new V1.ListModelVersionsRequest { Name = model }, new FakeServerCallContext());

        Assert.Equal((1, run.Id), (set.Version, set.RunId));
        Assert.Equal(["champion"], set.Aliases);
        Assert.Equal(new Dictionary<string, double> { ["accuracy"] = 0.93, ["log_loss"] = 0.21 }, set.Metrics);
        Assert.Equal(set.Metrics, listed.Versions.Single().Metrics);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task RecordedVersion_HasAnMLmodelNamingItsRun_AndDownloadsWholeAgainstItsChecksums(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var scratch = Directory.CreateTempSubdirectory("mlops-record-test-");
        try
        {
            var model = Directory.CreateDirectory(Path.Combine(scratch.FullName, "model")).FullName;
            await File.WriteAllBytesAsync(Path.Combine(model, "model.zip"), [1, 2, 3]);
            await File.WriteAllTextAsync(Path.Combine(model, ModelDescription.FileName), """
                {"flavors": {"mlnet": {"data": "model.zip", "mlnet_version": "5.0.1"}},
                 "signature": {"inputs": [{"name": "sepal_length", "type": "float"}], "outputs": [{"name": "setosa", "type": "double"}]}}
                """);
            var log = Path.Combine(scratch.FullName, "invocation.log");
            await File.WriteAllTextAsync(log, "trained\n");
            var options = Options.Create(new RunnerOptions { DataPath = Path.Combine(scratch.FullName, "data") });
            var recorder = new RunRecorder(registry.Registry, new ModelDigests(options), TimeProvider.System, NullLogger<RunRecorder>.Instance);
            var context = new TrainingContext("0123456789abcdef", "train", RegistryBackend.Unique("model"), null, Start, [], log);

            var recorded = await recorder.RecordSuccessAsync(context, new TrainingResult([], [], []), model, CancellationToken.None);

            var version = recorded.Version!;
            Assert.Contains("model/MLmodel", await registry.Registry.ListArtifactsAsync(version.RunId, "model", CancellationToken.None));
            using var mlmodel = new MemoryStream();
            await registry.Registry.DownloadArtifactAsync(version.RunId, "model/MLmodel", mlmodel, CancellationToken.None);
            var lines = Encoding.UTF8.GetString(mlmodel.ToArray()).Split('\n');
            Assert.Contains(lines, l => l.StartsWith("run_id: ", StringComparison.Ordinal) && l.Contains(version.RunId, StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("  inputs: ", StringComparison.Ordinal) && l.Contains("sepal_length", StringComparison.Ordinal));
            var cache = new ModelCache(registry.Registry, new ModelDigests(options), options, TimeProvider.System, NullLogger<ModelCache>.Instance);
            var cached = await cache.GetAsync(version, CancellationToken.None);
            Assert.Equal(["MLmodel", "mlflow.json", "model.zip"], Directory.GetFiles(cached).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task UnknownThings_AreNotFoundNamingThem(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var model = await ModelWithVersionsAsync(registry.Registry, 1);

        var errors = new[]
        {
            await Assert.ThrowsAsync<RunnerException>(() => registry.Registry.GetModelAsync("no_such_model", CancellationToken.None)),
            await Assert.ThrowsAsync<RunnerException>(() => registry.Registry.GetVersionAsync(model, 9, CancellationToken.None)),
            await Assert.ThrowsAsync<RunnerException>(() => registry.Registry.SetAliasAsync(model, "champion", 9, CancellationToken.None)),
            await Assert.ThrowsAsync<RunnerException>(() => registry.Registry.GetRunAsync(new string('0', 32), CancellationToken.None)),
        };

        Assert.All(errors, e => Assert.Equal(ErrorKind.NotFound, e.Kind));
        Assert.Contains("no_such_model", errors[0].Message);
        Assert.Contains("version 9", errors[1].Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task VersionReferences_ResolveLatestNumbersAndAliases(string backend)
    {
        using var registry = RegistryBackend.Create(backend);
        var model = await ModelWithVersionsAsync(registry.Registry, 2);
        await registry.Registry.SetAliasAsync(model, "champion", 1, CancellationToken.None);

        async Task<int> ResolveAsync(string text) =>
            (await VersionReference.Parse(text, "model_version").Version.ResolveAsync(registry.Registry, model, CancellationToken.None)).Version;

        Assert.Equal(2, await ResolveAsync("latest"));
        Assert.Equal(2, await ResolveAsync(""));
        Assert.Equal(1, await ResolveAsync("1"));
        Assert.Equal(1, await ResolveAsync("@champion"));
    }

    /// <summary>A new registered model with <paramref name="count"/> versions of one run.</summary>
    private static async Task<string> ModelWithVersionsAsync(IModelRegistry registry, int count)
    {
        var model = RegistryBackend.Unique("model");
        var run = await registry.CreateRunAsync(RegistryBackend.Unique("exp"), "r", Start, NoTags, CancellationToken.None);
        for (var i = 0; i < count; i++)
        {
            await registry.CreateModelVersionAsync(model, run.Id, "model", CancellationToken.None);
        }

        return model;
    }

    [SkippableMlflowFact]
    public void MlflowBackend_RunsTheSameSuite_WhenAServerIsGiven() =>
        Assert.Contains((IEnumerable<object[]>)Backends, row => Equals(row[0], "mlflow"));
}

/// <summary>Skipped, with the reason, when no MLflow server is given.</summary>
public sealed class SkippableMlflowFactAttribute : FactAttribute
{
    public SkippableMlflowFactAttribute()
    {
        if (RegistryBackend.MlflowUri is null)
        {
            Skip = $"no MLflow server: set {RegistryBackend.MlflowVariable} (e.g. http://127.0.0.1:5000) to run the registry contract suite against MLflow too";
        }
    }
}
