using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Mlops.AppHost.Tests;

/// <summary>
/// The AppHost's app model as Aspire builds it from a command line — the real Program, through
/// Aspire.Hosting.Testing — without starting anything; its data (the keys a run makes) in a folder of its own.
/// </summary>
internal sealed class AppModel : IAsyncDisposable
{
    private readonly IDistributedApplicationTestingBuilder _builder;

    private AppModel(IDistributedApplicationTestingBuilder builder, string data)
    {
        _builder = builder;
        Data = data;
    }

    public string Data { get; }

    public static async Task<AppModel> BuildAsync(params string[] args)
    {
        var data = Directory.CreateTempSubdirectory("mlops-apphost-test-").FullName;
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Mlops_AppHost>([$"--Auth:DataPath={data}", .. args], bound.Token);
        return new AppModel(builder, data);
    }

    public IResource Resource(string name) => _builder.Resources.Single(r => r.Name == name);

    public bool Has(string name) => _builder.Resources.Any(r => r.Name == name);

    public T Resource<T>(string name)
        where T : IResource => (T)Resource(name);

    /// <summary>What the resource's environment callbacks set for a run, as values (an endpoint reference stays one: nothing is allocated).</summary>
    public async Task<Dictionary<string, object>> EnvironmentAsync(string name)
    {
        var values = new Dictionary<string, object>();
        var resource = Resource(name);
        var context = new EnvironmentCallbackContext(_builder.ExecutionContext, resource, values, CancellationToken.None);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return values;
    }

    /// <summary>What the resource's argument callbacks give for a run.</summary>
    public async Task<List<string>> ArgumentsAsync(string name)
    {
        var values = new List<object>();
        var resource = Resource(name);
        var context = new CommandLineArgsCallbackContext(values, resource, CancellationToken.None) { ExecutionContext = _builder.ExecutionContext };
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return values.Select(v => v.ToString() ?? "").ToList();
    }

    public int Port(string resource, string endpoint) =>
        Resource(resource).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == endpoint).Port!.Value;

    public IEnumerable<string> WaitsFor(string resource) =>
        Resource(resource).Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name);

    public async ValueTask DisposeAsync()
    {
        await _builder.DisposeAsync();
        Directory.Delete(Data, recursive: true);
    }
}
