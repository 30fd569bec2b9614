using Mlops.Runner;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Grpc;
using Mlops.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

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
app.MapGrpcHealthChecksService().AllowAnonymous();
app.MapGrpcReflectionService().RequireAuthorization(Permissions.Read);
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
