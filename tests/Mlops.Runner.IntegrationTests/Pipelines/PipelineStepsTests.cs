extern alias runner;

using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using runner::Mlops.Runner.Endpoints;
using runner::Mlops.Runner.Pipelines;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests.Pipelines;

/// <summary>The iris example's steps one by one through the real executor, engine and embedded registry.</summary>
[Collection(PipelineStepsCollection.Name)]
public sealed class PipelineStepsTests(PipelineStepsFixture fixture)
{
    [Fact]
    public async Task Execute_SplitThenTrainOnItsDataset_PassesArtifactsAndKeepsTheModelWithoutRegisteringIt()
    {
        var split = fixture.Split;
        var train = fixture.Train;

        Assert.Equal((120, 30), (split.Result["metrics"]!["train_rows"]!.GetValue<int>(), split.Result["metrics"]!["test_rows"]!.GetValue<int>()));
        var dataset = fixture.Artifacts.PathOf(split.Artifacts["dataset"]);
        Assert.Equal(["test.csv", "train.csv"], Directory.GetFiles(dataset).Select(Path.GetFileName).Order());
        Assert.Equal(121, File.ReadLines(Path.Combine(dataset, "train.csv")).Count());

        Assert.Equal(split.Artifacts["dataset"], train.InputArtifacts["dataset"]);
        Assert.Equal("train[1]", train.Source);
        Assert.Equal("artifact", train.Result["params"]!["dataset"]!.GetValue<string>());
        Assert.Equal(150, train.Result["data"]!["rows"]!["total"]!.GetValue<int>());
        Assert.True(fixture.Artifacts.ContainsAll([train.Artifacts["model"]]));
        Assert.True(File.Exists(Path.Combine(fixture.Artifacts.PathOf(train.Artifacts["model"]), "model.zip")));
        Assert.Single(fixture.TrainProgress.Invocations);
        Assert.Contains(fixture.TrainProgress.Lines, line => line.Contains("the artifact 'dataset'"));

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Host.Registry.GetModelAsync(new GetModelRequest { Name = fixture.Model }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.True(await fixture.Host.WaitForNoContainersAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Execute_RegisterTheTrainedModel_LeavesTheLineageOnTheVersionsRun()
    {
        var registered = await RegisterAsync();

        var run = await fixture.Host.Registry.GetRunAsync(new GetRunRequest { Id = registered["runId"]!.GetValue<string>() });

        Assert.Equal("iris", run.Tags["mlops.pipeline"]);
        Assert.Equal("run-1", run.Tags["mlops.pipeline_run"]);
        Assert.Equal("register", run.Tags["mlops.pipeline_step"]);
        Assert.Equal("train[1]", run.Tags["mlops.source_step"]);
        Assert.Equal($"dataset={fixture.Split.Artifacts["dataset"]}", run.Tags["mlops.input_digests"]);
        Assert.Equal(fixture.Train.Result["metrics"]!["macro_f1"]!.GetValue<double>(), run.Metrics["macro_f1"]);
        Assert.Contains("model/MLmodel", run.Artifacts);
    }

    [Fact]
    public async Task Execute_DeployThenCall_ServesTheRegisteredVersionAndAnswersFromIt()
    {
        var version = (await RegisterAsync())["version"]!.GetValue<int>();
        var endpoint = $"pipe-{Guid.NewGuid():N}"[..16];
        var manager = fixture.Host.Services.GetRequiredService<EndpointManager>();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            var deployed = await fixture.Steps.ExecuteAsync(StepRequests.For("deploy", null, "deploy", new JsonObject
            {
                ["endpoint"] = endpoint, ["function"] = "predict", ["model"] = fixture.Registered, ["version"] = $"{version}", ["minReplicas"] = 1, ["maxReplicas"] = 1,
            }), new StepReport(), bound.Token);
            var called = await fixture.Steps.ExecuteAsync(StepRequests.For("smoke", null, "call", new JsonObject
            {
                ["endpoint"] = endpoint, ["instances"] = JsonNode.Parse("[[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]"), ["expectVersion"] = version,
            }), new StepReport(), bound.Token);

            Assert.Equal((endpoint, version), (deployed.Result["endpoint"]!.GetValue<string>(), deployed.Result["modelVersion"]!.GetValue<int>()));
            Assert.True(deployed.Result["readyReplicas"]!.GetValue<int>() >= 1);
            Assert.Equal(version, called.Result["modelVersion"]!.GetValue<int>());
            Assert.Equal(2, called.Result["predictions"]!.AsArray().Count);
        }
        finally
        {
            await manager.DeleteAsync(endpoint, CancellationToken.None);
        }

        Assert.True(await fixture.Host.WaitForNoContainersAsync(TimeSpan.FromSeconds(60)));
    }

    private async Task<JsonObject> RegisterAsync()
    {
        var best = new Dictionary<string, StepOutputs> { ["best"] = fixture.Train };
        var work = StepRequests.For("register", null, "register", new JsonObject
        {
            ["name"] = fixture.Registered,
            ["model"] = fixture.Train.Artifacts["model"],
            ["metrics"] = fixture.Train.Result["metrics"]!.DeepClone(),
            ["params"] = fixture.Train.Result["params"]!.DeepClone(),
        }, earlier: best);
        return (await fixture.Steps.ExecuteAsync(work, new StepReport(), CancellationToken.None)).Result;
    }
}
