using Mlops.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

var runner = builder.AddProject("runner", "Mlops.Runner")
    .WithEndpoint("grpc", port: 5081, http2: true)
    .WithHttpHealthCheck("/health");

builder.AddProject("gateway", "Mlops.Gateway")
    .WithEndpoint("http", port: 5080)
    .WithReference(runner)
    .WaitFor(runner)
    .WithHttpHealthCheck("/health");

return await builder.Build().RunAsync();
