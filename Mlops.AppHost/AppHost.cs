using Mlops.AppHost.Hosting;
using Mlops.AppHost.Pipelines;
using Mlops.AppHost.Pools;
using Mlops.AppHost.Publishing;
using Mlops.AppHost.Serving;

var builder = DistributedApplication.CreateBuilder(AppHostArguments.Expand(args));

// Only a run makes keys: publishing writes files for another machine.
var secrets = builder.ExecutionContext.IsRunMode ? AppSecrets.Ensure(builder.DataPath()) : null;
builder.UseLocalDashboard(secrets);

// --mlflow (Tracking:Mode=container): MLflow's server in a container, the runner's tracking and registry.
var mlflow = builder.UsesMlflowContainer() ? builder.AddMlflow("mlflow") : null;

var runner = builder.AddNativeService("runner", "Mlops.Runner")
    .WithServicePort("grpc", port: 5081)
    .WithHttpProbe("grpc", "/health", http2: true)
    .WithSettings("Runner", "Capacity", "Containers", "Swarm", "Pool", "Images", "Tracking", "Auth", "RateLimits", "Telemetry")
    .WithEnvironment("Auth__DataPath", builder.DataPath())
    .WithMlflow(mlflow)
    .RestartsWhenItExits()
    // Published as a container, the runner is the one that talks to the engine; the paths it bind-mounts
    // into function containers must mean the same on the host.
    .WithPublishVolume("/var/run/docker.sock:/var/run/docker.sock")
    .WithPublishVolume("${MLOPS_FUNCTIONS_DIR}:/srv/mlops/functions:ro")
    .WithPublishVolume("${MLOPS_PIPELINES_DIR}:/srv/mlops/pipelines:ro")
    .WithPublishVolume("${MLOPS_DATA_DIR}:${MLOPS_DATA_DIR}")
    .WithPublishEnvironment("Runner__FunctionsPath", "/srv/mlops/functions")
    .WithPublishEnvironment("Runner__PipelinesPath", "/srv/mlops/pipelines")
    .WithPublishEnvironment("Runner__DataPath", "${MLOPS_DATA_DIR}")
    .WithPublishEnvironment("Auth__DataPath", "${MLOPS_DATA_DIR}")
    .WithPublishEnvironment("Runner__LogsPath", "${MLOPS_DATA_DIR}/logs")
    // The published runner is JIT-compiled: a 4 MB allocation budget between collections instead of the CPU
    // cache's size trims its peak RSS by 6-14 MB. The runtime reads it from the environment only.
    .WithPublishEnvironment("DOTNET_GCgen0size", "0x400000");

var gateway = builder.AddReleaseService("gateway", "Mlops.Gateway")
    .WithServicePort("http", port: 5080)
    .WithServicePort("grpc", port: 5082)
    .WithHttpProbe("http", "/health")
    .WithReference(runner.GetEndpoint("grpc"))
    .WaitFor(runner)
    .WithSettings("Serving", "Auth", "RateLimits", "Telemetry")
    // The gateway checks keys against the runner's store: it reads the same data folder.
    .WithEnvironment("Auth__DataPath", builder.DataPath())
    .RestartsWhenItExits()
    .WithPublishVolume("${MLOPS_DATA_DIR}:${MLOPS_DATA_DIR}")
    .WithPublishEnvironment("Auth__DataPath", "${MLOPS_DATA_DIR}");

var nginx = builder.AddNginx("nginx", httpPort: 8080, grpcPort: 8081)
    .WithProxyTo(gateway, runner)
    .WithMlflow(mlflow, builder.MlflowUri())
    .WaitFor(gateway)
    .WithHttpProbe(NginxResource.HttpPortName, "/")
    .RestartsWhenItExits()
    .SummarizesWhenReady(secrets);

builder.AddServingEndpoints(runner, nginx, secrets);
builder.AddPipelineRuns(runner, nginx, secrets);
builder.AddFunctionPools(runner, nginx, secrets);
builder.AddComposePublishing();
builder.StopsInOrder();

return await builder.Build().RunOrSayWhyAsync();
