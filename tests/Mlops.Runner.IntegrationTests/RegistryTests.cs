using Grpc.Core;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

[Collection(RunnerCollection.Name)]
public sealed class RegistryTests(RunnerFixture fixture)
{
    private RunnerHost Host => fixture.Host;

    [Fact]
    public async Task Train_BecomesARunWithItsParamsMetricsTagsArtifacts_AndAModelVersion()
    {
        var model = UniqueModel();

        var call = await TrainAsync(model);

        var data = ResultOf(call).Data.Fields;
        Assert.Equal(1, data["model_version"].NumberValue);
        Assert.Equal(model, data["model_name"].StringValue);
        Assert.Equal($"models:/{model}/1", data["model_uri"].StringValue);
        var run = await Host.Registry.GetRunAsync(new GetRunRequest { Id = data["run_id"].StringValue });
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Equal("toy-trainer", run.Experiment);
        Assert.Equal(call.InvocationId, run.Tags["mlops.invocation_id"]);
        Assert.StartsWith("sha256:", run.Tags["mlops.image_digest"]);
        Assert.Equal(("1", "toy", model), (run.Params["value"], run.Params["kind"], run.Params["model_name"]));
        Assert.Equal(0.75, run.Metrics["score"]);
        Assert.Equal(["invocation.log", "model.sha256.json", "model/MLmodel", "model/nested/extra.txt", "model/weights.txt", "result.json"], run.Artifacts);
    }

    [Fact]
    public async Task Predict_ResolvesLatestNumbersAliasesAndUris_AndLatestMovesWithTraining()
    {
        var model = UniqueModel();
        var first = (await TrainAsync(model)).InvocationId;
        var second = (await TrainAsync(model)).InvocationId;
        await Host.Registry.SetModelAliasAsync(new SetModelAliasRequest { Name = model, Alias = "champion", Version = 1 });

        Assert.Equal(second, await TrainedByAsync(model, "latest"));
        Assert.Equal(first, await TrainedByAsync(model, "1"));
        Assert.Equal(first, await TrainedByAsync(model, "@champion"));
        Assert.Equal(second, await TrainedByAsync(model, $"models:/{model}/2"));

        var third = (await TrainAsync(model)).InvocationId;
        Assert.Equal(third, await TrainedByAsync(model, "latest"));
        Assert.Equal(first, await TrainedByAsync(model, "1"));
    }

    [Theory]
    [InlineData("9", "has no version 9")]
    [InlineData("@staging", "has no alias '@staging'")]
    public async Task Predict_UnknownVersionOrAlias_IsNotFoundNamingIt(string version, string expected)
    {
        var model = UniqueModel();
        await TrainAsync(model);

        var call = await InvokeCall.RunAsync(Host.Client, "toy-predictor", InvokeCall.Parameters($$"""{"model_name": "{{model}}", "model_version": "{{version}}"}"""));

        Assert.Equal(StatusCode.NotFound, call.Error?.StatusCode);
        Assert.Contains(expected, call.Error!.Status.Detail);
        Assert.Empty(call.Arrivals);
    }

    [Fact]
    public async Task Predict_AModelNobodyTrained_IsNotFoundNamingIt()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "toy-predictor", InvokeCall.Parameters("""{"model_name": "never_trained"}"""));

        Assert.Equal(StatusCode.NotFound, call.Error?.StatusCode);
        Assert.Contains("never_trained", call.Error!.Status.Detail);
    }

    [Fact]
    public async Task Train_TenAtOnce_GivesVersionsOneToTen_EachWithItsOwnRunAndModel()
    {
        var model = UniqueModel();

        var calls = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => TrainAsync(model)));

        var versions = calls.Select(c => (int)ResultOf(c).Data.Fields["model_version"].NumberValue).ToList();
        Assert.Equal(Enumerable.Range(1, 10), versions.Order());
        Assert.Equal(10, calls.Select(c => ResultOf(c).Data.Fields["run_id"].StringValue).Distinct().Count());
        foreach (var call in calls)
        {
            var version = ResultOf(call).Data.Fields["model_version"].NumberValue;
            Assert.Equal(call.InvocationId, await TrainedByAsync(model, version.ToString()));
        }
    }

    [Fact]
    public async Task FailedTraining_IsAFailedRun_AndNoVersion()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "failing-trainer");

        Assert.Equal(StatusCode.Internal, call.Error?.StatusCode);
        var runs = await Host.Registry.ListRunsAsync(new ListRunsRequest { Experiment = "failing-trainer" });
        var run = runs.Runs.Single(r => r.Tags["mlops.invocation_id"] == call.InvocationId);
        Assert.Equal(RunStatus.Failed, run.Status);
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await Host.Registry.GetModelAsync(new GetModelRequest { Name = "failing_model" }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("invocation.log", (await Host.Registry.GetRunAsync(new GetRunRequest { Id = run.Id })).Artifacts);
    }

    [Fact]
    public async Task Training_ThatLeavesALinkOrAFifoInItsModel_IsRefusedWithoutHangingOrFollowingIt()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "sneaky-trainer", bound: TimeSpan.FromSeconds(60));

        Assert.Equal(Grpc.Core.StatusCode.Internal, call.Error?.StatusCode);
        Assert.Contains("symbolic link", call.Error!.Status.Detail);
        var run = (await Host.Registry.ListRunsAsync(new ListRunsRequest { Experiment = "sneaky-trainer" })).Runs
            .Single(r => r.Tags["mlops.invocation_id"] == call.InvocationId);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.DoesNotContain(run.Artifacts, a => a.StartsWith("model/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RegistryApi_ListsModelsAndVersionsWithMetrics_AndMovesAliases()
    {
        var model = UniqueModel();
        await TrainAsync(model);
        await TrainAsync(model);

        var set = await Host.Registry.SetModelAliasAsync(new SetModelAliasRequest { Name = model, Alias = "champion", Version = 2 });
        var listed = await Host.Registry.ListModelsAsync(new ListModelsRequest());
        var versions = await Host.Registry.ListModelVersionsAsync(new ListModelVersionsRequest { Name = model });
        await Host.Registry.DeleteModelAliasAsync(new DeleteModelAliasRequest { Name = model, Alias = "champion" });
        var after = await Host.Registry.GetModelAsync(new GetModelRequest { Name = model });

        Assert.Equal(["champion"], set.Aliases);
        Assert.Equal(0.75, set.Metrics["score"]);
        var entry = listed.Models.Single(m => m.Name == model);
        Assert.Equal((2, 2), (entry.LatestVersion, entry.Aliases["champion"]));
        Assert.Equal([2, 1], versions.Versions.Select(v => v.Version));
        Assert.Equal(0.75, versions.Versions[0].Metrics["score"]);
        Assert.Empty(after.Aliases);
    }

    [Fact]
    public async Task RegistryApi_BadInput_IsInvalidArgument_UnknownThingsNotFound()
    {
        var model = UniqueModel();
        await TrainAsync(model);

        async Task<StatusCode> StatusOf(Func<Task> call) => (await Assert.ThrowsAsync<RpcException>(call)).StatusCode;

        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(async () => await Host.Registry.SetModelAliasAsync(new SetModelAliasRequest { Name = model, Alias = "latest", Version = 1 })));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(async () => await Host.Registry.SetModelAliasAsync(new SetModelAliasRequest { Name = model, Alias = "champion", Version = 0 })));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(async () => await Host.Registry.GetModelAsync(new GetModelRequest { Name = "../x" })));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(async () => await Host.Registry.GetRunAsync(new GetRunRequest { Id = "nope" })));
        Assert.Equal(StatusCode.NotFound, await StatusOf(async () => await Host.Registry.SetModelAliasAsync(new SetModelAliasRequest { Name = model, Alias = "champion", Version = 5 })));
        Assert.Equal(StatusCode.NotFound, await StatusOf(async () => await Host.Registry.DeleteModelAliasAsync(new DeleteModelAliasRequest { Name = model, Alias = "nobody" })));
        Assert.Equal(StatusCode.NotFound, await StatusOf(async () => await Host.Registry.GetRunAsync(new GetRunRequest { Id = new string('a', 32) })));
    }

    internal static string UniqueModel() => $"toy_{Guid.NewGuid():N}"[..16];

    private async Task<InvokeCall> TrainAsync(string model)
    {
        var call = await InvokeCall.RunAsync(Host.Client, "toy-trainer", InvokeCall.Parameters($$"""{"model_name": "{{model}}"}"""));
        Assert.Null(call.Error);
        return call;
    }

    private async Task<string> TrainedByAsync(string model, string version)
    {
        var call = await InvokeCall.RunAsync(Host.Client, "toy-predictor", InvokeCall.Parameters($$"""{"model_name": "{{model}}", "model_version": "{{version}}"}"""));
        Assert.Null(call.Error);
        Assert.Equal("extra", ResultOf(call).Data.Fields["extra"].StringValue);
        return ResultOf(call).Data.Fields["trained_by"].StringValue;
    }

    private static InvocationResult ResultOf(InvokeCall call) => call.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result;
}
