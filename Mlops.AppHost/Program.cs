using Mlops.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

var runner = builder.AddProject("runner", "Mlops.Runner")
    .WithEndpoint("grpc", port: 5081, http2: true)
    .WithHttpHealthCheck("/health");

var gateway = builder.AddProject("gateway", "Mlops.Gateway")
    .WithEndpoint("http", port: 5080)
    .WithReference(runner)
    .WaitFor(runner)
    .WithHttpHealthCheck("/health");

builder.AddNginx("nginx", port: 8080, grpcPort: 8081)
    .WithMlflow(builder.Configuration["Tracking:MlflowUri"])
    .WithProxyTo(gateway, runner)
    .WaitFor(gateway)
    .WithHttpHealthCheck("/");

return await builder.Build().RunAsync();
