using System.Diagnostics;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

/// <summary>A runner over the repository's own functions, with both ML images built once for the collection.</summary>
public sealed class MlFunctionsFixture : IAsyncLifetime
{
    public RunnerHost Host { get; private set; } = null!;

    public BuildCompleted TrainImage { get; private set; } = null!;

    public BuildCompleted PredictImage { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await RunnerHost.StartAsync(new Dictionary<string, string?> { ["Runner:FunctionsPath"] = RepositoryPaths.Functions });
        try
        {
            TrainImage = await BuildAsync(Host.Client, "train");
            PredictImage = await BuildAsync(Host.Client, "predict");
        }
        catch
        {
            // xunit does not call DisposeAsync when InitializeAsync fails.
            await Host.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public static async Task<BuildCompleted> BuildAsync(Mlops.V1.Runner.RunnerClient client, string function)
    {
        var clock = Stopwatch.StartNew();
        using var call = client.BuildImage(new BuildImageRequest { Function = function }, deadline: DateTime.UtcNow.AddMinutes(15));
        var lines = new List<string>();
        BuildCompleted? completed = null;
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            if (item.EventCase == BuildEvent.EventOneofCase.Log)
            {
                lines.Add(item.Log.Line);
            }

            completed = item.Completed ?? completed;
        }

        return completed ?? throw new InvalidOperationException($"the build of {function} ended without completing after {clock.Elapsed}:\n{string.Join('\n', lines.TakeLast(30))}");
    }
}

[CollectionDefinition(Name)]
public sealed class MlFunctionsCollection : ICollectionFixture<MlFunctionsFixture>
{
    public const string Name = "ml functions";
}
