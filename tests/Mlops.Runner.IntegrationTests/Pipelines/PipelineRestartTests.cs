using Mlops.Runner.IntegrationTests.Faults;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests.Pipelines;

/// <summary>A run outlives its runner: killed (kill -9) in the middle of a step, a new runner on the same data finishes it.</summary>
public sealed class PipelineRestartTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private static readonly Dictionary<string, string> Settings = new() { ["Runner:PipelinesPath"] = RepositoryPaths.TestPipelines };

    [Fact]
    public async Task RunnerKilledMidStep_TheNextRunnerFinishesTheRun_WithoutRunningFinishedStepsAgain()
    {
        var first = await RunnerProcess.StartAsync(settings: Settings);
        var root = first.Root;
        string runId;
        string firstInvocation;
        try
        {
            using var channel = first.Channel();
            var pipelines = new V1.Pipelines.PipelinesClient(channel);
            runId = (await pipelines.RunPipelineAsyncAsync(new RunPipelineRequest { Pipeline = "nap-chain" })).RunId;
            // Killed while `nap` sleeps: `first` has ended and is stored.
            using (var watch = pipelines.WatchPipelineRun(new WatchPipelineRunRequest { Id = runId }, deadline: DateTime.UtcNow + Bound))
            {
                while (await watch.ResponseStream.MoveNext(CancellationToken.None))
                {
                    if (watch.ResponseStream.Current is { EventCase: PipelineEvent.EventOneofCase.StepStarted, Step: "nap" })
                    {
                        break;
                    }
                }
            }

            var before = await pipelines.GetPipelineRunAsync(new GetPipelineRunRequest { Id = runId });
            Assert.Equal(StepStatus.Succeeded, before.Steps.Single(s => s.Step == "first").Status);
            firstInvocation = before.Steps.Single(s => s.Step == "first").InvocationId;
            await first.KillAsync();
        }
        catch
        {
            await first.KillAsync();
            await DockerEngine.RemoveContainersOfAsync(first.Instance);
            Directory.Delete(root, recursive: true);
            throw;
        }

        await using var second = await RunnerProcess.StartAsync(root, first.Instance, Settings);
        using var again = second.Channel();
        var resumed = await PipelineCall.WatchAsync(new V1.Pipelines.PipelinesClient(again), runId, Bound);

        var run = resumed.Completed;
        Assert.Equal(PipelineRunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.Resumes);
        var kept = run.Steps.Single(s => s.Step == "first");
        Assert.Equal((firstInvocation, 1, false), (kept.InvocationId, kept.Attempts, kept.CacheHit));
        Assert.Equal("after first", run.Steps.Single(s => s.Step == "last").Result.Fields["data"].StructValue.Fields["message"].StringValue);
        Assert.NotEqual(string.Empty, run.Steps.Single(s => s.Step == "nap").InvocationId);
        await Eventually.HoldsAsync(async () => (await DockerEngine.ContainersOfAsync(first.Instance)).Count == 0, Bound);
    }

    [Fact]
    public async Task PipelineWithABadReference_IsRefusedBeforeAnythingRuns_NamingTheStepAndField()
    {
        await using var host = await RunnerHost.StartAsync(new Dictionary<string, string?> { ["Runner:PipelinesPath"] = RepositoryPaths.TestPipelines });
        var pipelines = new V1.Pipelines.PipelinesClient(host.Channel);

        var refused = await PipelineCall.RunAsync(pipelines, "broken-reference");

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, refused.Error?.StatusCode);
        Assert.StartsWith("steps.second.parameters.count", refused.Error!.Status.Detail);
        Assert.Empty(refused.Events);
        Assert.Empty((await host.Client.ListInvocationsAsync(new ListInvocationsRequest())).Invocations);
        var listed = (await pipelines.ListPipelinesAsync(new ListPipelinesRequest())).Pipelines.Single(p => p.Name == "broken-reference");
        Assert.StartsWith("steps.second.parameters.count", listed.DefinitionError);
    }
}
