using Mlops.Gateway;
using Mlops.Gateway.Diagnostics;
using Mlops.Gateway.Forwarding;
using Mlops.Gateway.Invoke;
using Mlops.Gateway.Security;
using Mlops.Gateway.Serving;
using Mlops.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ServingTelemetry.Name);
builder.AddGateway();

var app = builder.Build();

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
app.MapGrpcService<InferenceService>();
// What NGINX's gRPC port serves, described: these services, and the runner's behind them.
app.MapGrpcReflectionService().RequireAuthorization(Permissions.Read);
app.MapInvoke();
app.MapServing();
app.MapDebug();
app.MapAdminCheck();
app.MapHealthRoutes();

app.Run();

public partial class Program;
