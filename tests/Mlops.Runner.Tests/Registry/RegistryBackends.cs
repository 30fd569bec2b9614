using Mlops.Runner.Registry;
using Mlops.Runner.Registry.Embedded;

namespace Mlops.Runner.Tests.Registry;

/// <summary>The registry backends the contract suite runs against: embedded always, MLflow when a server is given.</summary>
public sealed class RegistryBackend : IDisposable
{
    public const string MlflowVariable = "MLOPS_TEST_MLFLOW_URI";

    private readonly DirectoryInfo? _folder;
    private readonly HttpClient? _http;

    private RegistryBackend(IModelRegistry registry, DirectoryInfo? folder, HttpClient? http)
    {
        Registry = registry;
        _folder = folder;
        _http = http;
    }

    public IModelRegistry Registry { get; }

    public static string? MlflowUri => Environment.GetEnvironmentVariable(MlflowVariable) is { Length: > 0 } uri ? uri : null;

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string> { "embedded" };
        if (MlflowUri is not null)
        {
            names.Add("mlflow");
        }

        return names;
    }

    public static RegistryBackend Create(string name)
    {
        if (name == "embedded")
        {
            var folder = Directory.CreateTempSubdirectory("mlops-registry-test-");
            return new RegistryBackend(new EmbeddedRegistry(folder.FullName), folder, null);
        }

        var http = new HttpClient { BaseAddress = new Uri(MlflowUri!), Timeout = TimeSpan.FromSeconds(30) };
        return new RegistryBackend(new Mlops.Runner.Registry.Mlflow.MlflowRegistry(new Mlops.Runner.Registry.Mlflow.MlflowClient(http)), null, http);
    }

    /// <summary>A name no other test (or earlier run against the same MLflow server) has used.</summary>
    public static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public void Dispose()
    {
        _http?.Dispose();
        _folder?.Delete(recursive: true);
    }
}
