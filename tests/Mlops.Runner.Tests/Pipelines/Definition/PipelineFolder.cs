using System.Text;
using Microsoft.Extensions.Options;
using Mlops.Runner.Functions;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Definition;

/// <summary>A temporary functions/ and pipelines/ pair with the functions the iris pipeline names, as small manifests.</summary>
internal sealed class PipelineFolder : IDisposable
{
    public const string Split = """
        { "parameters": {
            "test_size": { "type": "number", "default": 0.2, "minimum": 0.05, "maximum": 0.95 },
            "seed": { "type": "integer", "default": 42 } } }
        """;

    public const string Train = """
        { "model": { "produces": true, "name": "iris_model" }, "parameters": {
            "n_estimators": { "type": "integer", "default": 100, "minimum": 1, "maximum": 2000 },
            "seed": { "type": "integer", "default": 42 },
            "label": { "type": "string" },
            "size": { "type": "number" },
            "sizes": { "type": "array", "items": "integer" } } }
        """;

    public const string Predict = """
        { "model": { "consumes": true }, "serving": { "args": ["serve"] }, "parameters": { "features": { "type": "any" } } }
        """;

    public const string Needy = """{ "parameters": { "level": { "type": "integer", "required": true } } }""";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-pipelines-test-");

    public PipelineFolder()
    {
        AddFunction("iris-split", Split);
        AddFunction("train", Train);
        AddFunction("predict", Predict);
        AddFunction("needy", Needy);
        AddFunction("hello", "{}");
        AddFunction("broken", "{ not json");
        var options = Options.Create(new RunnerOptions { FunctionsPath = Functions, PipelinesPath = Pipelines });
        Catalog = new PipelineCatalog(options, new FunctionCatalog(options));
    }

    public string Functions => Path.Combine(_root.FullName, "functions");

    public string Pipelines => Path.Combine(_root.FullName, "pipelines");

    public PipelineCatalog Catalog { get; }

    public static string IrisFile => File.ReadAllText(Path.Combine(RepositoryRoot(), "pipelines", "iris", PipelineDefinition.FileName));

    public void AddFunction(string name, string manifest) => Write(Path.Combine(Functions, name, FunctionManifest.FileName), manifest);

    public void AddPipeline(string name, string json) => Write(Path.Combine(Pipelines, name, PipelineDefinition.FileName), json);

    public Task<PipelineDefinition> ParseAsync(string json) =>
        Catalog.ParseAsync("test", Encoding.UTF8.GetBytes(json), CancellationToken.None);

    /// <summary>The refusal of <paramref name="json"/>: InvalidArgument, its message.</summary>
    public async Task<string> RefusalAsync(string json)
    {
        var error = await Assert.ThrowsAsync<RunnerException>(() => ParseAsync(json));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        return error.Message;
    }

    public void Dispose() => _root.Delete(recursive: true);

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Mlops.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("the repository's root (Mlops.sln) is not above " + AppContext.BaseDirectory);
    }
}
