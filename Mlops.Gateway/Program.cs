using Mlops.Gateway;
using Mlops.Gateway.Serving;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ServingTelemetry.Name);
builder.AddGateway();

var app = builder.Build();

app.UseGateway();
app.MapHealthRoutes();

app.Run();

public partial class Program;
