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
app.UseMiddleware<RequestBodyLimit>();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
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
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
