using Mlops.Gateway;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRunnerClient();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

public partial class Program;
