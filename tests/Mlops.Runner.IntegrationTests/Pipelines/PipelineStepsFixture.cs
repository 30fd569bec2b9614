extern alias runner;

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using runner::Mlops.Runner.Pipelines;

namespace Mlops.Runner.IntegrationTests.Pipelines;

/// <summary>
/// A runner over the repository's functions with the iris example's first two steps run once through the real step
/// executor: iris-split, then train on its artifact 'dataset' (5 trees, a model name of the fixture's own).
/// </summary>
public sealed class PipelineStepsFixture : IAsyncLifetime
{
    public RunnerHost Host { get; private set; } = null!;

    public IStepExecutor Steps => Host.Services.GetRequiredService<IStepExecutor>();

    public ArtifactStore Artifacts => Host.Services.GetRequiredService<ArtifactStore>();

    /// <summary>The model name train is given: the invocation must not register it.</summary>
    public string Model { get; } = $"pipeline_{Guid.NewGuid():N}"[..20];

    /// <summary>The model the register step adds versions to.</summary>
    public string Registered { get; } = $"registered_{Guid.NewGuid():N}"[..20];

    public StepOutputs Split { get; private set; } = null!;

    public StepOutputs Train { get; private set; } = null!;

    public StepReport TrainProgress { get; } = new();

    public async Task InitializeAsync()
    {
        Host = await RunnerHost.StartAsync(new Dictionary<string, string?> { ["Runner:FunctionsPath"] = RepositoryPaths.Functions });
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(15));
            Split = await Steps.ExecuteAsync(StepRequests.For("split", "iris-split", null, new JsonObject { ["test_size"] = 0.2, ["seed"] = 7 }), new StepReport(), bound.Token);
            var inputs = new Dictionary<string, string> { ["dataset"] = Split.Artifacts["dataset"] };
            Train = await Steps.ExecuteAsync(
                StepRequests.For("train", "train", null, new JsonObject { ["n_estimators"] = 5, ["seed"] = 7, ["model_name"] = Model }, inputs, item: 1), TrainProgress, bound.Token);
            // Built here, not within the deploy step's timeout: a cold build of predict can take minutes on a busy machine.
            await MlFunctionsFixture.BuildAsync(Host.Client, "predict");
        }
        catch
        {
            // xunit does not call DisposeAsync when InitializeAsync fails.
            await Host.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PipelineStepsCollection : ICollectionFixture<PipelineStepsFixture>
{
    public const string Name = "pipeline steps";
}
