using System.Net;
using System.Text.Json.Nodes;
using Mlops.Runner.Grpc;
using Mlops.Runner.Registry;
using Mlops.Runner.Registry.Mlflow;
using Mlops.Runner.Tests.Fakes;

namespace Mlops.Runner.Tests.Registry;

/// <summary>The MLflow backend's requests and its reading of answers, against MLflow's recorded shapes.</summary>
public sealed class MlflowRegistryTests : IDisposable
{
    private const string Api = "/api/2.0/mlflow/";
    private const string RunId = "0123456789abcdef0123456789abcdef";

    private static readonly string RunJson = """
        {"run": {"info": {"run_id": "RUN_ID", "experiment_id": "7", "run_name": "train-1", "status": "RUNNING",
                          "start_time": 1763884800000, "artifact_uri": "mlflow-artifacts:/7/RUN_ID/artifacts", "lifecycle_stage": "active"},
                 "data": {"params": [{"key": "seed", "value": "42"}], "metrics": [{"key": "accuracy", "value": 0.93, "timestamp": 1763884801000, "step": 0},
                          {"key": "broken", "value": "NaN", "timestamp": 1763884801000, "step": 0}], "tags": [{"key": "mlops.function", "value": "train"}]}}}
        """.Replace("RUN_ID", RunId);

    private readonly FakeMlflowHandler _handler = new();
    private readonly HttpClient _http;
    private readonly MlflowRegistry _registry;

    public MlflowRegistryTests()
    {
        _http = new HttpClient(_handler) { BaseAddress = new Uri("http://127.0.0.1:5000/") };
        _registry = new MlflowRegistry(new MlflowClient(_http));
        _handler
            .On("GET", Api + "experiments/get?experiment_id=7", """{"experiment": {"experiment_id": "7", "name": "train", "lifecycle_stage": "active"}}""")
            .On("GET", Api + "runs/get", RunJson);
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task CreateRun_InANewExperiment_CreatesTheExperimentThenTheRun()
    {
        _handler
            .On("GET", Api + "experiments/get-by-name", """{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Could not find experiment with name 'train'"}""", HttpStatusCode.NotFound)
            .On("POST", Api + "experiments/create", """{"experiment_id": "7"}""")
            .On("POST", Api + "runs/create", RunJson);

        var run = await _registry.CreateRunAsync("train", "train-1", DateTimeOffset.FromUnixTimeMilliseconds(1763884800000), new Dictionary<string, string> { ["mlops.function"] = "train" }, CancellationToken.None);

        var sent = JsonNode.Parse(_handler.BodyOf(Api + "runs/create"))!;
        Assert.Equal("7", sent["experiment_id"]!.GetValue<string>());
        Assert.Equal(1763884800000, sent["start_time"]!.GetValue<long>());
        Assert.Equal("""[{"key":"mlops.function","value":"train"}]""", sent["tags"]!.ToJsonString());
        Assert.Equal((RunId, "train", RunStatus.Running), (run.Id, run.Experiment, run.Status));
        Assert.Equal(0.93, run.Metrics["accuracy"]);
        Assert.True(double.IsNaN(run.Metrics["broken"]));
    }

    [Fact]
    public async Task LogAndFinish_SendBatchesWithTimestampsAndAnUpperCaseStatus()
    {
        _handler.On("POST", Api + "runs/log-batch", "{}").On("POST", Api + "runs/update", "{}");
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1763884805000);

        await _registry.LogAsync(RunId, new Dictionary<string, string> { ["seed"] = "42" }, new Dictionary<string, double> { ["accuracy"] = 0.9 }, time, CancellationToken.None);
        await _registry.FinishRunAsync(RunId, RunStatus.Finished, time, CancellationToken.None);

        var metrics = JsonNode.Parse(_handler.BodyOf(Api + "runs/log-batch"))!["metrics"]![0]!;
        Assert.Equal((1763884805000, 0), (metrics["timestamp"]!.GetValue<long>(), metrics["step"]!.GetValue<int>()));
        Assert.Equal("FINISHED", JsonNode.Parse(_handler.BodyOf(Api + "runs/update"))!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task LogAsync_AParamWithAnotherValue_IsInvalidArgument()
    {
        _handler.On("POST", Api + "runs/log-batch",
            """{"error_code": "INVALID_PARAMETER_VALUE", "message": "Changing param values is not allowed. Param with key='seed' was already logged with value='42'"}""",
            HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<RunnerException>(() =>
            _registry.LogAsync(RunId, new Dictionary<string, string> { ["seed"] = "7" }, new Dictionary<string, double>(), DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public async Task CreateModelVersion_ToleratesAnExistingModel_AndReadsTheVersionString()
    {
        _handler
            .On("POST", Api + "registered-models/create", """{"error_code": "RESOURCE_ALREADY_EXISTS", "message": "Registered Model (name=iris_model) already exists."}""", HttpStatusCode.BadRequest)
            .On("POST", Api + "model-versions/create", """
                {"model_version": {"name": "iris_model", "version": "3", "creation_timestamp": 1763884810000, "run_id": "RUN_ID",
                                   "source": "runs:/RUN_ID/model", "status": "READY"}}
                """.Replace("RUN_ID", RunId));

        var version = await _registry.CreateModelVersionAsync("iris_model", RunId, "model", CancellationToken.None);

        Assert.Equal((3, RunId, "model", "models:/iris_model/3"), (version.Version, version.RunId, version.ArtifactPath, version.Uri));
        Assert.Equal($"runs:/{RunId}/model", JsonNode.Parse(_handler.BodyOf(Api + "model-versions/create"))!["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetVersionByAlias_MissingAliasIsA400InMlflow_ButNotFoundHere()
    {
        _handler
            .On("GET", Api + "registered-models/alias", """{"error_code": "INVALID_PARAMETER_VALUE", "message": "Registered model alias champion not found."}""", HttpStatusCode.BadRequest)
            .On("GET", Api + "registered-models/get", """{"registered_model": {"name": "iris_model", "creation_timestamp": 1, "last_updated_timestamp": 2}}""");

        var error = await Assert.ThrowsAsync<RunnerException>(() => _registry.GetVersionByAliasAsync("iris_model", "champion", CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Equal("model 'iris_model' has no alias '@champion'", error.Message);
    }

    [Fact]
    public async Task GetModel_ReadsAliasesAndTheNewestOfTheLatestVersions()
    {
        _handler.On("GET", Api + "registered-models/get", """
            {"registered_model": {"name": "iris_model", "creation_timestamp": 1763884800000, "last_updated_timestamp": 1763884900000,
              "latest_versions": [{"name": "iris_model", "version": "4", "current_stage": "None"}, {"name": "iris_model", "version": "2", "current_stage": "Production"}],
              "aliases": [{"alias": "champion", "version": "2"}]}}
            """);

        var model = await _registry.GetModelAsync("iris_model", CancellationToken.None);

        Assert.Equal(4, model.LatestVersion);
        Assert.Equal(2, model.Aliases["champion"]);
    }

    [Fact]
    public async Task SetAlias_SendsTheVersionAsAJsonString()
    {
        _handler
            .On("GET", Api + "model-versions/get", """{"model_version": {"name": "iris_model", "version": "2", "run_id": "r", "source": "runs:/r/model"}}""")
            .On("POST", Api + "registered-models/alias", "{}");

        await _registry.SetAliasAsync("iris_model", "champion", 2, CancellationToken.None);

        Assert.Equal("""{"name":"iris_model","alias":"champion","version":"2"}""", _handler.BodyOf(Api + "registered-models/alias"));
    }

    [Fact]
    public async Task SetModelAlias_AnswersTheVersionWithItsRunsMetrics()
    {
        _handler
            .On("GET", Api + "model-versions/get", """
                {"model_version": {"name": "iris_model", "version": "2", "run_id": "RUN_ID", "source": "runs:/RUN_ID/model", "aliases": ["champion"]}}
                """.Replace("RUN_ID", RunId))
            .On("POST", Api + "registered-models/alias", "{}");

        var set = await new RegistryService(_registry, new ModelVersions(_registry)).SetModelAlias(
            new Mlops.V1.SetModelAliasRequest { Name = "iris_model", Alias = "champion", Version = 2 }, new FakeServerCallContext());

        Assert.Equal((2, RunId), (set.Version, set.RunId));
        Assert.Equal(0.93, set.Metrics["accuracy"]);
        Assert.Contains(_handler.Requests, r => r.Method == "GET" && r.PathAndQuery == $"{Api}runs/get?run_id={RunId}");
    }

    [Fact]
    public async Task ListVersions_FollowsPageTokensAndTakesAliasesFromTheModel()
    {
        _handler
            .On("GET", Api + "registered-models/get", """{"registered_model": {"name": "m", "aliases": [{"alias": "champion", "version": "1"}]}}""")
            .On("GET", Api + "model-versions/search", """{"model_versions": [{"name": "m", "version": "2", "source": "runs:/a/model"}], "next_page_token": "t1"}""")
            .On("GET", Api + "model-versions/search?filter=name%3D%27m%27&order_by=version_number%20DESC&max_results=200&page_token=t1",
                """{"model_versions": [{"name": "m", "version": "1", "source": "runs:/b/model"}]}""");

        var versions = await _registry.ListVersionsAsync("m", CancellationToken.None);

        Assert.Equal([2, 1], versions.Select(v => v.Version));
        Assert.Equal(["champion"], versions[1].Aliases);
    }

    [Fact]
    public async Task FindRunsByTag_SearchesTheExperimentWithAQuotedTagFilter()
    {
        _handler.On("GET", Api + "experiments/get-by-name", """{"experiment": {"experiment_id": "7", "name": "train"}}""")
            .On("POST", Api + "runs/search", "{}");

        Assert.Empty(await _registry.FindRunsByTagAsync("train", "mlops.invocation_id", "0123abcd", CancellationToken.None));

        var search = JsonNode.Parse(_handler.BodyOf(Api + "runs/search"))!;
        Assert.Equal("tags.`mlops.invocation_id` = '0123abcd'", search["filter"]!.GetValue<string>());
        Assert.Equal("7", search["experiment_ids"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task EmptyAnswers_AreEmptyLists()
    {
        _handler.On("GET", Api + "registered-models/search", "{}").On("GET", Api + "experiments/get-by-name", """{"experiment": {"experiment_id": "7", "name": "train"}}""")
            .On("POST", Api + "runs/search", "{}");

        Assert.Empty(await _registry.ListModelsAsync(CancellationToken.None));
        Assert.Empty(await _registry.ListRunsAsync("train", 10, CancellationToken.None));
    }

    [Fact]
    public async Task AnHtmlErrorPage_IsUnavailable_WithoutThePage()
    {
        _handler.On("GET", Api + "registered-models/get", "<!doctype html><html><body><h1>Internal Server Error</h1><pre>Traceback ...</pre></body></html>",
            HttpStatusCode.InternalServerError, "text/html");

        var error = await Assert.ThrowsAsync<RunnerException>(() => _registry.GetModelAsync("iris_model", CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.DoesNotContain("<", error.Message);
        Assert.Contains("HTTP 500", error.Message);
    }

    [Fact]
    public async Task AnUnreachableServer_IsUnavailable()
    {
        _handler.Unreachable = true;

        var error = await Assert.ThrowsAsync<RunnerException>(() => _registry.GetModelAsync("iris_model", CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.Contains("no answer from http://127.0.0.1:5000/", error.Message);
    }

    [Fact]
    public async Task Artifacts_GoThroughTheProxyWithEachSegmentEncoded()
    {
        _handler
            .On("PUT", "/api/2.0/mlflow-artifacts/artifacts/", "{}")
            .On("GET", "/api/2.0/mlflow-artifacts/artifacts?path=", """{"files": [{"path": "my model.zip", "is_dir": false, "file_size": 3}]}""")
            .On("GET", "/api/2.0/mlflow-artifacts/artifacts/7/", "abc");

        await _registry.UploadArtifactAsync(RunId, "model/my model.zip", new MemoryStream("abc"u8.ToArray()), CancellationToken.None);
        using var downloaded = new MemoryStream();
        await _registry.DownloadArtifactAsync(RunId, "model/my model.zip", downloaded, CancellationToken.None);

        Assert.Contains(_handler.Requests, r => r.Method == "PUT" && r.PathAndQuery == $"/api/2.0/mlflow-artifacts/artifacts/7/{RunId}/artifacts/model/my%20model.zip");
        Assert.Equal("abc"u8.ToArray(), downloaded.ToArray());
    }

    [Fact]
    public async Task Download_OfAMissingArtifact_IsNotFound_NotMlflowsInternalError()
    {
        _handler.On("GET", "/api/2.0/mlflow-artifacts/artifacts?path=", """{"files": [{"path": "other.zip", "is_dir": false}]}""");

        var error = await Assert.ThrowsAsync<RunnerException>(() => _registry.DownloadArtifactAsync(RunId, "model/model.zip", new MemoryStream(), CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Theory]
    [InlineData("mlflow-artifacts:/7/abc/artifacts", "7/abc/artifacts")]
    [InlineData("mlflow-artifacts://127.0.0.1:5000/7/abc/artifacts/", "7/abc/artifacts")]
    public void ArtifactProxyPath_DropsSchemeAndHost(string uri, string expected) =>
        Assert.Equal(expected, MlflowRegistry.ArtifactProxyPath(uri));

    [Fact]
    public void ArtifactProxyPath_OfAServerWithoutTheProxy_SaysHowToFixIt() =>
        Assert.Contains("--serve-artifacts", Assert.Throws<RunnerException>(() => MlflowRegistry.ArtifactProxyPath("s3://bucket/7/abc/artifacts")).Message);

    [Theory]
    [InlineData("runs:/abc/model", "model")]
    [InlineData("mlflow-artifacts:/7/abc/artifacts/model", "model")]
    [InlineData("runs:/abc/nested/model", "nested/model")]
    public void ArtifactPathOf_ReadsBothSourceForms(string source, string expected) =>
        Assert.Equal(expected, MlflowRegistry.ArtifactPathOf(source));
}
