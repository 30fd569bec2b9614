using Grpc.Core;

namespace Mlops.Runner.IntegrationTests;

/// <summary>A runner with a fresh data folder: no model has been trained there.</summary>
public sealed class PredictWithoutModelTests : IAsyncLifetime
{
    private RunnerHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await RunnerHost.StartAsync(new Dictionary<string, string?> { ["Runner:FunctionsPath"] = RepositoryPaths.Functions });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Predict_BeforeAnyTrain_IsFailedPreconditionSayingToTrainFirst()
    {
        var since = DateTimeOffset.UtcNow;

        var call = await InvokeCall.RunAsync(_host.Client, "predict", InvokeCall.Parameters("""{"features": [5.1, 3.5, 1.4, 0.2]}"""));

        Assert.Equal(StatusCode.FailedPrecondition, call.Error?.StatusCode);
        Assert.Equal("there is no model 'iris_model' yet: invoke 'train' first to train one", call.Error!.Status.Detail);
        Assert.Equal(0, await _host.ContainersCreatedSinceAsync(since));
    }
}
