using Grpc.Core;
using Xunit.Abstractions;

namespace Mlops.Runner.IntegrationTests.Faults;

/// <summary>An MLflow server that lies (a real HTTP server here) cannot make the runner write outside its model cache, nor serve a changed model.</summary>
public sealed class MlflowPeerFaultTests(ITestOutputHelper output)
{
    private const string Model = "1/0123456789abcdef0123456789abcdef/artifacts/model";

    [Fact]
    public async Task MlflowListsDotDotFolders_APredictionIsRefusedFailedPrecondition_AndNothingIsWrittenOutsideTheCache()
    {
        await using var mlflow = new FakeMlflowServer();
        // Three ".." deep from the download folder is the runner's data folder.
        mlflow.Listings[Model] = [("..", true)];
        mlflow.Listings[Model + "/.."] = [("..", true)];
        mlflow.Listings[Model + "/../.."] = [("..", true)];
        mlflow.Listings[Model + "/../../.."] = [("escaped.txt", false)];
        mlflow.Files["escaped.txt"] = "written by a peer"u8.ToArray();
        // The checksum file main read first: so that a runner that trusts it gets as far as writing.
        mlflow.Listings[Model[..Model.LastIndexOf('/')]] = [("model", true), ("model.sha256.json", false)];
        mlflow.Files["model.sha256.json"] = "{}"u8.ToArray();
        await using var runner = await RunnerProcess.StartAsync(settings: new Dictionary<string, string> { ["Tracking:MlflowUri"] = mlflow.Address.ToString() });
        using var channel = runner.Channel();

        var call = await InvokeCall.RunAsync(
            new Mlops.V1.Runner.RunnerClient(channel), "toy-predictor", InvokeCall.Parameters("""{"model_name": "toy_model", "model_version": "1"}"""));

        Assert.Equal(StatusCode.FailedPrecondition, call.Error?.StatusCode);
        Assert.Contains("not a file name", call.Error!.Status.Detail);
        Assert.Empty(Directory.EnumerateFiles(runner.Root, "escaped.txt", SearchOption.AllDirectories));
        output.WriteLine($"| MLflow lists '..' folders | refused: {call.Error.Status.Detail} | instance {runner.Instance} |");
    }

    [Fact]
    public async Task MlflowUriWithCredentials_TheRunnerDoesNotStart_AndSaysWhyWithoutThem()
    {
        var root = Directory.CreateTempSubdirectory("mlops-runner-process-").FullName;
        try
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                RunnerProcess.StartAsync(root, settings: new Dictionary<string, string> { ["Tracking:MlflowUri"] = "http://admin:s3cret@127.0.0.1:5000" }));

            Assert.Contains("carries credentials", refused.Message);
            Assert.DoesNotContain("s3cret", refused.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
