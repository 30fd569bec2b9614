using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Gateway.Tests.Hosting;

/// <summary>One call the fake runner received: the method, the request as it arrived, and the key it carried.</summary>
public sealed record RunnerCall(string Method, IMessage Request, string Authorization);

/// <summary>What the fake runner answers, set by a test, and what it was asked.</summary>
public sealed class RunnerScript
{
    private readonly ConcurrentQueue<RunnerCall> _calls = new();

    /// <summary>When set, every caller-facing call fails with it (the watch and load reports keep working).</summary>
    public RpcException? Failure { get; set; }

    /// <summary>The events an Invoke streams back.</summary>
    public Func<InvokeRequest, IEnumerable<InvokeEvent>> Invoke { get; set; } = _ => [];

    /// <summary>The events a pipeline run (or a watch of one) streams back.</summary>
    public IReadOnlyList<PipelineEvent> PipelineEvents { get; set; } = [];

    /// <summary>The endpoints the watch's snapshot names.</summary>
    public IReadOnlyList<V1.Endpoint> Endpoints { get; set; } = [];

    public IReadOnlyList<RunnerCall> Calls => [.. _calls];

    public T Single<T>(string method) where T : IMessage => (T)Assert.Single(Calls, call => call.Method == method).Request;

    public void Reset()
    {
        Failure = null;
        Invoke = _ => [];
        PipelineEvents = [];
        _calls.Clear();
    }

    /// <summary>Records the call, then fails it if the test said so.</summary>
    public void Answering(string method, IMessage request, ServerCallContext context)
    {
        _calls.Enqueue(new RunnerCall(method, request, context.RequestHeaders.GetValue("authorization") ?? ""));
        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}
