using Mlops.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// --mlflow (Tracking:Mode=container): MLflow's server in a container, the runner's tracking and registry.
var mlflow = builder.UsesMlflowContainer() ? builder.AddMlflow("mlflow") : null;

const string RunnerGen0Budget = "0x400000";
var runner = builder.AddProject("runner", "Mlops.Runner")
    // Compiled ahead of time: idles at about half the memory of the JIT-compiled runner (see the README's table).
    .AsNative()
    .WithEndpoint("grpc", port: 5081, http2: true)
    .WithHttpHealthCheck("/health")
    .WithEnvironment("Auth__DataPath", builder.DataPath)
    // For the published (JIT-compiled) runner: a 4 MB allocation budget between collections instead of the CPU
    // cache's size (about 18 MB here): its peak RSS under the benchmark drops by 6-14 MB. The runtime reads this
    // setting from the environment only. The native runner run here is the same with or without it (measured).
    .WithPublishEnvironment("DOTNET_GCgen0size", RunnerGen0Budget)
    // Published as a container, the runner is the one that talks to the engine; the paths it bind-mounts
    // into function containers must mean the same on the host.
    .WithPublishVolume("/var/run/docker.sock:/var/run/docker.sock")
    .WithPublishVolume("${MLOPS_FUNCTIONS_DIR}:/srv/mlops/functions:ro")
    .WithPublishVolume("${MLOPS_DATA_DIR}:${MLOPS_DATA_DIR}")
    .WithPublishEnvironment("Runner__FunctionsPath", "/srv/mlops/functions")
    .WithPublishEnvironment("Runner__DataPath", "${MLOPS_DATA_DIR}")
    .WithPublishEnvironment("Auth__DataPath", "${MLOPS_DATA_DIR}")
    .WithPublishEnvironment("Runner__LogsPath", "${MLOPS_DATA_DIR}/logs");
if (mlflow is not null)
{
    runner.WithReference(mlflow).WaitFor(mlflow);
}

var gateway = builder.AddProject("gateway", "Mlops.Gateway")
    .WithEndpoint("http", port: 5080)
    .WithEndpoint("grpc", port: 5082, http2: true)
    .WithReference(runner)
    .WaitFor(runner)
    .WithEnvironment("Auth__DataPath", builder.DataPath)
    // The gateway checks keys against the runner's store: it reads the same data folder.
    .WithPublishVolume("${MLOPS_DATA_DIR}:${MLOPS_DATA_DIR}")
    .WithPublishEnvironment("Auth__DataPath", "${MLOPS_DATA_DIR}")
    .WithHttpHealthCheck("/health");

builder.AddNginx("nginx", port: 8080, grpcPort: 8081)
    .WithMlflow(mlflow, builder.Configuration["Tracking:MlflowUri"])
    .WithProxyTo(gateway, runner)
    .WaitFor(gateway)
    .WithHttpHealthCheck("/");

return await builder.Build().RunAsync(args);
