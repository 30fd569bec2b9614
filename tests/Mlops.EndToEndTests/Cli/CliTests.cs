using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mlops.EndToEndTests.Cli;

/// <summary>The mlops CLI against the whole system, through NGINX's gRPC port, as a user runs it.</summary>
public sealed partial class CliTests(CliFixture system) : IClassFixture<CliFixture>
{
    private const string Setosa = "[5.1,3.5,1.4,0.2]";

    [Fact]
    public async Task Functions_ListsTrainAndPredict_AsPlainText()
    {
        var run = await system.RunAsync("functions");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("train", run.Out);
        Assert.Contains("predict", run.Out);
        Assert.Contains("n_estimators: integer = 100", run.Out);
        // Not a terminal: no colours or cursor moves for whoever reads it.
        Assert.DoesNotContain('\u001b', run.Out);
    }

    [Fact]
    public void InvokeTrain_WithTwentyTrees_ExitsZeroAndShowsItsLogThenItsAccuracy()
    {
        var run = system.Training;

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(InvocationLine(), run.Out);
        Assert.Contains("20 trees per class", run.Out);
        Assert.Contains("SUCCEEDED", run.Out);
        Assert.Matches(@"accuracy\s+│\s+0\.\d+", run.Out);
        Assert.Contains("models:/iris_model/", run.Out);
        Assert.DoesNotContain('\u001b', run.Out);
    }

    [Fact]
    public async Task InvokePredict_WithFeatures_PrintsSetosa()
    {
        var run = await system.RunAsync("invoke", "predict", "-p", $"features={Setosa}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"class\s+│\s+setosa", run.Out);
    }

    [Fact]
    public async Task InvokePredict_WithJsonOutput_PrintsTheInvocationAsJsonAlone()
    {
        var run = await system.RunAsync("invoke", "predict", "-p", $"features={Setosa}", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var invocation = JsonNode.Parse(run.Out)!;
        Assert.Equal("INVOCATION_STATUS_SUCCEEDED", invocation["status"]!.GetValue<string>());
        Assert.Equal("setosa", invocation["result"]!["data"]!["class"]!.GetValue<string>());
        // The story went to stderr, so that stdout stays one JSON document.
        Assert.Contains("started", run.Err);
    }

    [Fact]
    public async Task Invoke_UnknownFunction_ExitsOneWithTheServersMessageOnStderr()
    {
        var run = await system.RunAsync("invoke", "no-such-function");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", run.Err);
        Assert.Contains("no-such-function", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Invoke_ParameterOutOfRange_ExitsOneNamingTheField()
    {
        var run = await system.RunAsync("invoke", "train", "-p", "n_estimators=0");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", run.Err);
        Assert.Contains("parameters.n_estimators", run.Err);
    }

    [Fact]
    public async Task Invoke_FailingFunction_ShowsHowItEndedAndExitsOne()
    {
        var run = await system.RunAsync("invoke", "predict", "-p", "features=[1,2]");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED", run.Out);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", run.Err);
        Assert.Contains("expected 4", run.Err);
    }

    [Fact]
    public async Task AnyCommand_WithAnUnknownKey_ExitsOneUnauthenticated()
    {
        var run = await system.RunWithKeyAsync("mlops_not-a-key-anyone-was-given", "functions");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: UNAUTHENTICATED: ", run.Err);
    }

    [Fact]
    public async Task InvokeAsyncFollow_WatchesItToItsResult()
    {
        var run = await system.RunAsync("invoke", "predict", "--async", "--follow", "-p", $"features={Setosa}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(InvocationLine(), run.Out);
        Assert.Contains("SUCCEEDED", run.Out);
        Assert.Matches(@"class\s+│\s+setosa", run.Out);
    }

    [Fact]
    public async Task InvokeAsync_PrintsOnlyTheId_AndLogsFollowsItToItsEnd()
    {
        var started = await system.RunAsync("invoke", "hello", "--async", "-p", "name=Ada");

        Assert.True(started.ExitCode == 0, started.ToString());
        var id = started.Out.Trim();
        Assert.Matches("^[0-9a-f]{32}$", id);
        var logs = await system.RunAsync("logs", id);
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Contains($"invocation {id} (hello)", logs.Out);
        Assert.Contains("Ada", logs.Out);
    }

    [Fact]
    public async Task Logs_OfAnEndedInvocation_ReplaysItsStoryAndResult()
    {
        var id = InvocationLine().Match(system.Training.Out).Groups["id"].Value;

        var run = await system.RunAsync("logs", id);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("20 trees per class", run.Out);
        Assert.Matches(@"accuracy\s+│\s+0\.\d+", run.Out);
    }

    [Fact]
    public async Task Invocations_ListsTheTrainingWithItsStatus()
    {
        var id = InvocationLine().Match(system.Training.Out).Groups["id"].Value;

        var run = await system.RunAsync("invocations", "--function", "train");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches($@"{id}\s+│\s+train\s+│\s+SUCCEEDED", run.Out);
    }

    [Fact]
    public async Task ModelsAndVersions_ListIrisModelWithItsMetrics()
    {
        var models = await system.RunAsync("models");
        var versions = await system.RunAsync("versions", "iris_model", "-o", "json");

        Assert.True(models.ExitCode == 0, models.ToString());
        Assert.Contains("iris_model", models.Out);
        Assert.True(versions.ExitCode == 0, versions.ToString());
        var newest = JsonNode.Parse(versions.Out)!["versions"]![0]!;
        Assert.InRange(newest["metrics"]!["accuracy"]!.GetValue<double>(), 0.5, 1);
    }

    [Fact]
    public async Task AliasSetThenDelete_ShowsInVersionsThenGoes()
    {
        var set = await system.RunAsync("alias", "set", "iris_model", "@cli-test", "1");
        var pointed = await system.RunAsync("versions", "iris_model");
        var deleted = await system.RunAsync("alias", "delete", "iris_model", "cli-test");
        var after = await system.RunAsync("versions", "iris_model");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("iris_model@cli-test -> version 1", set.Out);
        Assert.Contains("@cli-test", pointed.Out);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.DoesNotContain("@cli-test", after.Out);
    }

    [Fact]
    public async Task Runs_ListTheTrainingAsFinished()
    {
        var run = await system.RunAsync("runs", "--experiment", "train");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"│\s+train\s+│\s+FINISHED", run.Out);
    }

    [Fact]
    public async Task Build_OfABuiltFunction_SummarisesTheCacheHit()
    {
        var run = await system.RunAsync("build", "train");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("mlops/train:", run.Out);
        Assert.Contains("cache hit", run.Out);
    }

    [Fact]
    public async Task DeployPredictEndpointsDelete_ServeTheTrainedModel()
    {
        const string name = "cli-iris";
        CliRun deleted;
        try
        {
            var deployed = await system.RunAsync("deploy", name, "--model", "iris_model", "--version", "latest", "--min", "1", "--max", "2");
            Assert.True(deployed.ExitCode == 0, deployed.ToString());
            Assert.Matches($@"{name}\s+│\s+predict\s+│\s+iris_model:latest\s+│\s+READY", deployed.Out);

            var batch = await system.RunAsync("predict", name, "--instances", "[[5.1,3.5,1.4,0.2],[6.7,3.3,6.0,2.3]]");
            Assert.True(batch.ExitCode == 0, batch.ToString());
            Assert.Matches(@"1\s+│\s+setosa", batch.Out);
            Assert.Matches(@"2\s+│\s+virginica", batch.Out);

            var one = await system.RunAsync("predict", name, "-f", "5.1,3.5,1.4,0.2", "-o", "json");
            Assert.True(one.ExitCode == 0, one.ToString());
            Assert.Equal("setosa", JsonNode.Parse(one.Out)!["predictions"]![0]!["class"]!.GetValue<string>());

            var listed = await system.RunAsync("endpoints");
            Assert.Contains(name, listed.Out);
        }
        finally
        {
            // Also after a failed deploy, which may have left the endpoint; NOT_FOUND means there was none. Checked
            // after the block: an assertion here would hide the failure that brought us here.
            deleted = await system.RunAsync("endpoints", "delete", name);
        }

        Assert.True(deleted.ExitCode == 0 || deleted.Err.Contains("NOT_FOUND"), deleted.ToString());

        var after = await system.RunAsync("endpoints");
        Assert.DoesNotContain(name, after.Out);
    }

    [Fact]
    public async Task Predict_UnknownEndpoint_ExitsOneNotFound()
    {
        var run = await system.RunAsync("predict", "no-such-endpoint", "-f", "5.1,3.5,1.4,0.2");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", run.Err);
    }

    [GeneratedRegex("invocation (?<id>[0-9a-f]{32}) \\((train|predict|hello)\\)")]
    private static partial Regex InvocationLine();
}
