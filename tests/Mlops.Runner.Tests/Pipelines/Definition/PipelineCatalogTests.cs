using System.Text;
using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Definition;

public sealed class PipelineCatalogTests : IDisposable
{
    private readonly PipelineFolder _folder = new();

    [Fact]
    public async Task GetAsync_IrisExample_ReadsThePlanInDependencyOrder()
    {
        _folder.AddPipeline("iris", PipelineFolder.IrisFile);

        var plan = await _folder.Catalog.GetAsync("iris", CancellationToken.None);

        Assert.Equal("iris", plan.Name);
        Assert.True(plan.Cache);
        Assert.StartsWith("sha256:", plan.Digest);
        Assert.Equal(["n_estimators", "test_size", "seed", "min_f1", "model_name", "endpoint"], plan.Inputs.Select(input => input.Name));
        var estimators = plan.Inputs[0];
        Assert.Equal(("array", "integer"), (estimators.Type, estimators.ItemType));
        Assert.Equal("[25,50,100]", estimators.Default!.ToJsonString());
        Assert.Equal(["split", "train", "best", "register", "promote", "deploy", "smoke"], plan.Steps.Select(step => step.Id));
        Assert.Equal(
            [[], ["split"], ["train"], ["best"], ["register"], ["promote"], ["deploy"]],
            plan.Steps.Select(step => step.DependsOn.ToArray()));

        var train = plan.Step("train");
        Assert.Equal((StepKind.Function, "train", 1), (train.Kind, train.Function, train.Retries));
        Assert.Equal(("${inputs.n_estimators}", 2, 1.0), (train.Map!.Over.ToString(), train.Map.Concurrency, train.Map.MinSuccessRatio));
        Assert.Equal("${item}", train.Parameters["n_estimators"].ToString());
        Assert.Equal("${steps.split.artifacts.dataset}", train.Artifacts["dataset"].ToString());
        Assert.Null(train.Timeout);

        var register = plan.Step("register");
        Assert.Equal((StepKind.Action, "register"), (register.Kind, register.Action));
        Assert.Equal("${steps.best.result.metrics.macro_f1} >= ${inputs.min_f1}", register.When!.ToString());
        Assert.Equal(["best"], register.When.Steps);
        Assert.Equal(TimeSpan.FromSeconds(300), plan.Step("deploy").Timeout);
        Assert.Equal(2, plan.Step("smoke").Retries);
    }

    [Fact]
    public async Task GetAsync_TiesInOrder_KeepTheFileOrder()
    {
        _folder.AddPipeline("ties", """
            { "steps": {
                "c": { "function": "hello", "after": ["a", "b"] },
                "b": { "function": "hello" },
                "a": { "function": "hello" },
                "d": { "function": "hello", "after": ["b", "a", "b"] } } }
            """);

        var plan = await _folder.Catalog.GetAsync("ties", CancellationToken.None);

        Assert.Equal(["b", "a", "c", "d"], plan.Steps.Select(step => step.Id));
        Assert.Equal(["b", "a"], plan.Step("d").DependsOn);
        Assert.Equal(["b", "a"], plan.Step("c").DependsOn);
    }

    [Fact]
    public async Task ListAsync_ValidAndInvalidFolders_ListsBothWithTheErrorOfTheInvalidOne()
    {
        _folder.AddPipeline("good", """{ "steps": { "a": { "function": "hello" } } }""");
        _folder.AddPipeline("bad", """{ "steps": { "a": { "function": "nope" } } }""");
        Directory.CreateDirectory(Path.Combine(_folder.Pipelines, "empty"));
        Directory.CreateDirectory(Path.Combine(_folder.Pipelines, "Not_A_Name"));

        var entries = await _folder.Catalog.ListAsync(CancellationToken.None);

        Assert.Equal(["bad", "good"], entries.Select(entry => entry.Name));
        Assert.Null(entries[0].Definition);
        Assert.StartsWith("steps.a.function: function 'nope' does not exist", entries[0].Error);
        Assert.NotNull(entries[1].Definition);
        Assert.Null(entries[1].Error);
    }

    [Fact]
    public async Task GetAsync_NoSuchPipeline_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RunnerException>(() => _folder.Catalog.GetAsync("absent", CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("../iris")]
    [InlineData("Iris")]
    public async Task GetAsync_MalformedName_IsInvalidArgumentBeforeTheDisk(string? name)
    {
        var error = await Assert.ThrowsAsync<RunnerException>(() => _folder.Catalog.GetAsync(name, CancellationToken.None));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("pipeline: ", error.Message);
    }

    [Fact]
    public async Task GetAsync_FileAsALink_IsRefusedNotFollowed()
    {
        var target = Path.Combine(_folder.Functions, "hello", "function.json");
        Directory.CreateDirectory(Path.Combine(_folder.Pipelines, "linked"));
        File.CreateSymbolicLink(Path.Combine(_folder.Pipelines, "linked", "pipeline.json"), target);

        var error = await Assert.ThrowsAsync<RunnerException>(() => _folder.Catalog.GetAsync("linked", CancellationToken.None));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
    }

    [Fact]
    public async Task ParseAsync_FileOverTheBound_IsRefused()
    {
        var json = """{ "description": "" """ + new string(' ', 1024 * 1024) + "}";

        Assert.StartsWith("pipeline.json: larger than", await _folder.RefusalAsync(json));
    }

    [Fact]
    public async Task ReadFileAsync_AfterGet_AnswersTheBytesGetRead()
    {
        const string first = """{ "steps": { "a": { "function": "hello" } } }""";
        _folder.AddPipeline("kept", first);
        var plan = await _folder.Catalog.GetAsync("kept", CancellationToken.None);
        _folder.AddPipeline("kept", """{ "steps": { "b": { "function": "hello" } } }""");

        var bytes = await _folder.Catalog.ReadFileAsync("kept", CancellationToken.None);
        var again = await _folder.Catalog.ParseAsync("kept", bytes, CancellationToken.None);

        Assert.Equal(first, Encoding.UTF8.GetString(bytes.Span));
        Assert.Equal(plan.Digest, again.Digest);
        Assert.Equal(["a"], again.Steps.Select(step => step.Id));
    }

    [Fact]
    public async Task ReadFileAsync_NoSuchPipeline_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RunnerException>(() => _folder.Catalog.ReadFileAsync("absent", CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task GetAsync_FunctionChangedSinceTheFileWasWritten_IsCheckedAgainstTheFunctionAsItIsNow()
    {
        _folder.AddPipeline("p", """{ "steps": { "a": { "function": "hello", "parameters": { "level": 2 } } } }""");
        await Assert.ThrowsAsync<RunnerException>(() => _folder.Catalog.GetAsync("p", CancellationToken.None));

        _folder.AddFunction("hello", """{ "parameters": { "level": { "type": "integer" } } }""");
        var plan = await _folder.Catalog.GetAsync("p", CancellationToken.None);

        Assert.Equal(JsonValue.Create(2).ToJsonString(), plan.Steps[0].Parameters["level"].ToString());
    }

    public void Dispose() => _folder.Dispose();
}
