using Mlops.Gateway.Diagnostics;
using Mlops.Gateway.Forwarding;
using Mlops.Gateway.Invoke;
using Mlops.Gateway.Security;
using Mlops.Gateway.Serving;
using Mlops.ServiceDefaults.Security;

namespace Mlops.Gateway;

public static class GatewayPipeline
{
    /// <summary>The gateway's middleware, in the order its checks must run, and every route and service it answers.</summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<OriginCheck>();
        // Keys (and their rate limits) before bodies: a request refused on its headers is never read.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<RequestBodyLimit>();
        app.MapGrpcService<RunnerForwarder>();
        app.MapGrpcService<RegistryForwarder>();
        app.MapGrpcService<EndpointsForwarder>();
        app.MapGrpcService<KeysForwarder>();
        app.MapGrpcService<PipelinesForwarder>();
        app.MapGrpcService<InferenceService>();
        // What NGINX's gRPC port serves, described: these services, and the runner's behind them.
        app.MapGrpcReflectionService().RequireAuthorization(Permissions.Read);
        app.MapInvoke();
        app.MapServing();
        app.MapDebug();
        app.MapAdminCheck();
        return app;
    }
}
