using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests.Pipelines;

/// <summary>The events of one RunPipeline (or WatchPipelineRun) stream, and the status it ended with.</summary>
internal sealed record PipelineCall(IReadOnlyList<PipelineEvent> Events, RpcException? Error)
{
    public static readonly TimeSpan DefaultBound = TimeSpan.FromMinutes(10);

    public string RunId => Events.First().RunId;

    public PipelineRun Completed => Events.Single(e => e.EventCase == PipelineEvent.EventOneofCase.Completed).Completed;

    public StepRun Step(string id) => Completed.Steps.Single(step => step.Step == id);

    public static async Task<PipelineCall> RunAsync(V1.Pipelines.PipelinesClient client, string pipeline, Struct? inputs = null, bool noCache = false, TimeSpan? bound = null)
    {
        using var call = client.RunPipeline(
            new RunPipelineRequest { Pipeline = pipeline, Inputs = inputs ?? new Struct(), NoCache = noCache },
            deadline: DateTime.UtcNow + (bound ?? DefaultBound));
        return await ReadAsync(call.ResponseStream);
    }

    public static async Task<PipelineCall> WatchAsync(V1.Pipelines.PipelinesClient client, string runId, TimeSpan? bound = null)
    {
        using var call = client.WatchPipelineRun(new WatchPipelineRunRequest { Id = runId }, deadline: DateTime.UtcNow + (bound ?? DefaultBound));
        return await ReadAsync(call.ResponseStream);
    }

    private static async Task<PipelineCall> ReadAsync(IAsyncStreamReader<PipelineEvent> stream)
    {
        var events = new List<PipelineEvent>();
        try
        {
            await foreach (var item in stream.ReadAllAsync())
            {
                events.Add(item);
            }

            return new PipelineCall(events, null);
        }
        catch (RpcException ex)
        {
            return new PipelineCall(events, ex);
        }
    }
}
