using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace Mlops.Testing;

/// <summary>What grpcurl asks first: the services a port serves, through gRPC server reflection.</summary>
public static class Reflection
{
    public static async Task<IReadOnlyList<string>> ListServicesAsync(GrpcChannel channel)
    {
        var answer = await AskAsync(channel, new ServerReflectionRequest { ListServices = "" });
        return answer.ListServicesResponse.Service.Select(s => s.Name).Order().ToList();
    }

    /// <summary>The serialized proto files that define <paramref name="symbol"/> (a service or message), as grpcurl describe reads them.</summary>
    public static async Task<IReadOnlyList<Google.Protobuf.ByteString>> FilesOfAsync(GrpcChannel channel, string symbol)
    {
        var answer = await AskAsync(channel, new ServerReflectionRequest { FileContainingSymbol = symbol });
        return answer.FileDescriptorResponse.FileDescriptorProto;
    }

    private static async Task<ServerReflectionResponse> AskAsync(GrpcChannel channel, ServerReflectionRequest request)
    {
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));
        try
        {
            await call.RequestStream.WriteAsync(request);
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // A server that refuses the call (no key) may answer before it reads the request: the write then
            // fails as Cancelled, and the server's own status is what the response side reports below.
        }

        return await call.ResponseStream.MoveNext() ? call.ResponseStream.Current : throw new InvalidOperationException("reflection did not answer");
    }
}
