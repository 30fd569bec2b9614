extern alias runner;

using Microsoft.Extensions.DependencyInjection;
using Mlops.V1;
using WarmPool = runner::Mlops.Runner.Invocations.Pooling.WarmPool;

namespace Mlops.Runner.IntegrationTests;

/// <summary>
/// The real predict in its warm pool: a pre-started container loads the model recent calls used before its
/// invocation exists, and a call that names another version gets that one written in after the start (the SDK
/// sees the change and loads it). Two deliberately different models tell the answers apart.
/// </summary>
public sealed class PooledPredictTests : IAsyncLifetime
{
    private const string Model = "iris_pool_check";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private RunnerHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await RunnerHost.StartAsync(new Dictionary<string, string?> { ["Runner:FunctionsPath"] = RepositoryPaths.Functions });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PooledPredict_AnswersWithTheVersionItNames_WhetherItsContainerLoadedThatOneOrAnother()
    {
        // A stump and a forest: for a flower between versicolor and virginica, their probabilities differ.
        await TrainAsync("""{"n_estimators": 1, "max_depth": 1, "model_name": "iris_pool_check"}""");
        await TrainAsync("""{"n_estimators": 100, "model_name": "iris_pool_check"}""");

        var stump = await PredictAsync("1");
        Assert.False(stump.Pooled);

        // The pool was filled with version 1 (what the last call used): version 2 is written over it after the start.
        var forest = await PooledPredictAsync("2");
        Assert.NotEqual(stump.Probabilities, forest.Probabilities);

        Assert.Equal(stump.Probabilities, (await PooledPredictAsync("1")).Probabilities);
        Assert.Equal(forest.Probabilities, (await PooledPredictAsync("2")).Probabilities);
    }

    private async Task TrainAsync(string parameters)
    {
        var call = await InvokeCall.RunAsync(_host.Client, "train", InvokeCall.Parameters(parameters));
        Assert.Null(call.Error);
    }

    private async Task<(bool Pooled, string Probabilities)> PooledPredictAsync(string version)
    {
        await Eventually.HoldsAsync(
            () => Task.FromResult(_host.Services.GetRequiredService<WarmPool>().Snapshot().Any(p => p.Function == "predict" && p.Ready > 0)), Bound);
        var answer = await PredictAsync(version);
        Assert.True(answer.Pooled, $"the predict of version {version} was not pooled");
        return answer;
    }

    private async Task<(bool Pooled, string Probabilities)> PredictAsync(string version)
    {
        var call = await InvokeCall.RunAsync(
            _host.Client, "predict", InvokeCall.Parameters($$"""{"features": [6.0, 2.7, 5.1, 1.6], "model_name": "{{Model}}", "model_version": "{{version}}"}"""));
        Assert.Null(call.Error);
        var data = call.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result.Data.Fields;
        return (call.Completed.Pooled, data["probabilities"].ToString());
    }
}
