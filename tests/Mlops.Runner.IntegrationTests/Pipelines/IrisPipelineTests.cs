using Google.Protobuf.WellKnownTypes;
using Mlops.V1;
using Xunit.Abstractions;

namespace Mlops.Runner.IntegrationTests.Pipelines;

/// <summary>
/// The example pipeline end to end on the real engine and the embedded registry, with the project's own functions:
/// from data to an endpoint that answers; again with nothing changed (every step from the cache); and with one training
/// parameter changed (what does not depend on it stays cached).
/// </summary>
public sealed class IrisPipelineTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Iris_EndsWithAnAnsweringEndpoint_ReRunIsAllCached_AndAChangedParameterReRunsOnlyWhatDependsOnIt()
    {
        await using var host = await RunnerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Runner:FunctionsPath"] = RepositoryPaths.Functions,
            ["Runner:PipelinesPath"] = RepositoryPaths.Pipelines,
        });
        var pipelines = new V1.Pipelines.PipelinesClient(host.Channel);
        var endpoints = new V1.Endpoints.EndpointsClient(host.Channel);
        var endpoint = $"iris-{Guid.NewGuid():N}"[..13];
        var model = $"iris_{Guid.NewGuid():N}"[..16];
        Struct Inputs(int second) => Struct.Parser.ParseJson($$"""{"n_estimators": [5, {{second}}], "model_name": "{{model}}", "endpoint": "{{endpoint}}"}""");
        try
        {
            var cold = await PipelineCall.RunAsync(pipelines, "iris", Inputs(10));
            Describe("cold", cold);
            Assert.Null(cold.Error);
            Assert.Equal(PipelineRunStatus.Succeeded, cold.Completed.Status);
            Assert.All(cold.Completed.Steps, step => Assert.False(step.CacheHit, step.Step));
            var smoke = cold.Step("smoke").Result;
            Assert.Equal(2, smoke.Fields["predictions"].ListValue.Values.Count);
            Assert.Equal(1, (int)cold.Step("deploy").Result.Fields["modelVersion"].NumberValue);
            var version = (await host.Registry.ListModelVersionsAsync(new ListModelVersionsRequest { Name = model })).Versions.Single();
            var run = await host.Registry.GetRunAsync(new GetRunRequest { Id = version.RunId });
            Assert.Equal("iris", run.Tags["mlops.pipeline"]);
            Assert.Equal(cold.RunId, run.Tags["mlops.pipeline_run"]);
            Assert.StartsWith("train[", run.Tags["mlops.source_step"]);
            Assert.Contains("dataset=sha256:", run.Tags["mlops.input_digests"]);

            var cached = await PipelineCall.RunAsync(pipelines, "iris", Inputs(10));
            Describe("cached", cached);
            Assert.Equal(PipelineRunStatus.Succeeded, cached.Completed.Status);
            Assert.All(cached.Completed.Steps, step => Assert.True(step.CacheHit, step.Step));
            Assert.All(cached.Completed.Steps, step => Assert.Equal(cold.RunId, step.CacheSourceRun));
            Assert.Equal(cold.Step("train").Items.Select(i => i.CacheKey), cached.Step("train").Items.Select(i => i.CacheKey));

            var changed = await PipelineCall.RunAsync(pipelines, "iris", Inputs(20));
            Describe("changed", changed);
            Assert.Equal(PipelineRunStatus.Succeeded, changed.Completed.Status);
            Assert.True(changed.Step("split").CacheHit);
            var trained = changed.Step("train").Items;
            Assert.Equal((true, false), (trained[0].CacheHit, trained[1].CacheHit));
            Assert.False(changed.Step("best").CacheHit);
        }
        finally
        {
            try
            {
                await endpoints.DeleteEndpointAsync(new DeleteEndpointRequest { Name = endpoint });
            }
            catch (Grpc.Core.RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.NotFound)
            {
                // The run failed before it deployed.
            }

            Assert.True(await host.WaitForNoContainersAsync(TimeSpan.FromMinutes(1)));
        }
    }

    private void Describe(string label, PipelineCall call)
    {
        output.WriteLine($"{label}: {call.Error?.Status.ToString() ?? "ok"}");
        foreach (var step in call.Events.Where(e => e.EventCase == PipelineEvent.EventOneofCase.StepCompleted).Select(e => e.StepCompleted))
        {
            output.WriteLine($"  {step.Step}{(step.HasItem ? $"[{step.Item}]" : "")} {step.Status} hit={step.CacheHit} key={step.CacheKey} {step.ErrorMessage}");
        }
    }
}
