using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Testing;

/// <summary>The events of one Invoke stream with when each arrived, and the status it ended with.</summary>
public sealed record InvokeCall(IReadOnlyList<(InvokeEvent Event, TimeSpan At)> Arrivals, RpcException? Error)
{
    public static readonly TimeSpan DefaultBound = TimeSpan.FromMinutes(3);

    public IEnumerable<InvokeEvent> Events => Arrivals.Select(a => a.Event);

    public string InvocationId => Events.First(e => e.EventCase == InvokeEvent.EventOneofCase.Accepted).Accepted.InvocationId;

    public InvocationCompleted Completed => Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Completed).Completed;

    public IEnumerable<LogLine> Logs => Events.Where(e => e.EventCase == InvokeEvent.EventOneofCase.Log).Select(e => e.Log);

    public static Struct Parameters(string json) => Struct.Parser.ParseJson(json);

    public static async Task<InvokeCall> RunAsync(Mlops.V1.Runner.RunnerClient client, string function, Struct? parameters = null, TimeSpan? bound = null)
    {
        var arrivals = new List<(InvokeEvent, TimeSpan)>();
        var clock = Stopwatch.StartNew();
        try
        {
            using var call = client.Invoke(
                new InvokeRequest { Function = function, Parameters = parameters ?? new Struct() },
                deadline: DateTime.UtcNow + (bound ?? DefaultBound));
            await foreach (var item in call.ResponseStream.ReadAllAsync())
            {
                arrivals.Add((item, clock.Elapsed));
            }

            return new InvokeCall(arrivals, null);
        }
        catch (RpcException ex)
        {
            return new InvokeCall(arrivals, ex);
        }
    }
}
