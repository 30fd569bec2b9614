using Mlops.Runner;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Grpc;
using Mlops.ServiceDefaults.Security;

// The slim builder: no HTTPS configuration, regex route constraints or static web assets, none of which the
// runner uses (it listens in cleartext HTTP/2 on loopback); less code in the native executable.
var builder = WebApplication.CreateSlimBuilder(args);

builder.AddServiceDefaults(RunnerTelemetry.Name);
builder.AddRunner();

var app = builder.Build();

app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapGrpcService<RunnerService>();
app.MapGrpcService<RegistryService>();
app.MapGrpcService<EndpointsService>();
app.MapGrpcService<KeysService>();
app.MapGrpcService<PipelinesService>();
app.MapGrpcHealthChecksService().AllowAnonymous();
app.MapGrpcReflectionService().RequireAuthorization(Permissions.Read);
app.MapHealthRoutes();

app.Run();

public partial class Program;
