using Mlops.Gateway;
using Mlops.Gateway.Diagnostics;
using Mlops.Gateway.Forwarding;
using Mlops.Gateway.Invoke;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapGrpcService<RunnerForwarder>();
app.MapGrpcService<RegistryForwarder>();
app.MapInvoke();
app.MapDebug();
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
