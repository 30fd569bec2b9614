using Google.Protobuf.Reflection;
using Google.Rpc;
using Mlops.Gateway.Forwarding;
using Mlops.Gateway.Serving;
using Mlops.ServiceDefaults.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mlops.Gateway;

public static class GatewayServiceExtensions
{
    /// <summary>The runner's address as an AppHost passes it (services__runner__grpc__0), or the local default.</summary>
    public const string RunnerAddressKey = "services:runner:grpc:0";
    public const string DefaultRunnerAddress = "http://127.0.0.1:5081";

    /// <summary>
    /// Largest request body on any route (a batch of 10,000 flowers is about 300 kB). Bodies are read to
    /// this limit and refused with 413 before any parsing: a JSON tree is many times its text.
    /// </summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static string RunnerAddress(IConfiguration configuration) =>
        configuration[RunnerAddressKey] is { Length: > 0 } configured ? configured : DefaultRunnerAddress;

    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.AddProblemDetails();
        builder.AddApiKeyAuthentication("../data");
        builder.Services.AddSingleton<ServiceCredentials>();
        builder.AddKeyRateLimits();
        // Field violations travel as google.rpc.BadRequest details; REST answers show them as JSON.
        builder.Services.AddGrpc().AddJsonTranscoding(transcoding =>
            transcoding.TypeRegistry = TypeRegistry.FromMessages(BadRequest.Descriptor, ErrorInfo.Descriptor));
        builder.Services.AddGrpcReflection();

        var address = new Uri(RunnerAddress(builder.Configuration));
        // No standard resilience handler on these (ServiceDefaults adds one to every client): its 30 s total
        // timeout would cut a long training stream, and the caller's own deadline travels with each call.
        // RemoveAllResilienceHandlers is marked experimental; it is the supported way to opt one client out.
#pragma warning disable EXTEXP0001
        builder.Services.AddGrpcClient<Mlops.V1.Runner.RunnerClient>(options => options.Address = address).RemoveAllResilienceHandlers();
        builder.Services.AddGrpcClient<Mlops.V1.Registry.RegistryClient>(options => options.Address = address).RemoveAllResilienceHandlers();
        builder.Services.AddGrpcClient<Mlops.V1.Endpoints.EndpointsClient>(options => options.Address = address).RemoveAllResilienceHandlers();
        builder.Services.AddGrpcClient<Mlops.V1.Keys.KeysClient>(options => options.Address = address).RemoveAllResilienceHandlers();
        builder.Services.AddGrpcClient<Mlops.V1.Pipelines.PipelinesClient>(options => options.Address = address).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.AddServing();
        return builder;
    }
}
