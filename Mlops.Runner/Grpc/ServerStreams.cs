using Grpc.Core;

namespace Mlops.Runner.Grpc;

internal static class ServerStreams
{
    /// <summary>Writes each item, mapped to the wire, as it comes.</summary>
    public static async Task WriteAllAsync<T, TProto>(
        this IServerStreamWriter<TProto> stream, IAsyncEnumerable<T> items, Func<T, TProto> toProto, CancellationToken cancellationToken)
    {
        await foreach (var item in items)
        {
            await stream.WriteAsync(toProto(item), cancellationToken);
        }
    }
}
