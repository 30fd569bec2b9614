using Grpc.Core;
using Mlops.V1;

namespace Mlops.Benchmarks;

/// <summary>One Invoke over gRPC read to its end: its completion and its result, or an exception when it did not succeed.</summary>
internal static class InvokeCalls
{
    public static async Task<(InvocationCompleted Completed, InvocationResult? Result)> RunAsync(
        Runner.RunnerClient client, string function, Google.Protobuf.WellKnownTypes.Struct parameters, TimeSpan timeout)
    {
        using var call = client.Invoke(new InvokeRequest { Function = function, Parameters = parameters }, deadline: DateTime.UtcNow + timeout);
        InvocationCompleted? completed = null;
        InvocationResult? result = null;
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            result = item.Result ?? result;
            completed = item.Completed ?? completed;
        }

        return completed is { Status: InvocationStatus.Succeeded }
            ? (completed, result)
            : throw new InvalidOperationException($"{function} ended {completed?.Status}: {completed?.ErrorMessage}");
    }
}
